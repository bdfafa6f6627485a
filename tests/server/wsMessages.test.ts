import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PLAN_BYTES } from '../../shared/constants';
import { startServer, type RunningServer } from '../../electron/server/http';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { exchange, openSocket } from './requests';

const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(core = makeCore()): Promise<RunningServer> {
  const staticDir = tempDir();
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Switchyard</title>');
  const server = await startServer({ core, staticDir, port: 0 });
  servers.push(server);
  return server;
}

/** Ten thousand arrays inside one another, as JSON text. */
const DEEP = 10_000;
const deepArrays = `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`;

const badInput = (id: number | null) => ({ kind: 'result', id, ok: false, error: expect.objectContaining({ code: 'BAD_INPUT' }) });

describe('what the WebSocket answers to messages that are not calls', () => {
  it('answers text that is not JSON with BAD_INPUT under the id null, and keeps answering calls', async () => {
    const server = await serve();
    const ws = await openSocket(server.port, server.token);
    for (const text of ['this is not json', '{"kind":"call","id":1,', '', '\u0000']) {
      const [reply] = await exchange(ws, [text], 1);
      expect(reply, `tried ${JSON.stringify(text)}`).toEqual(badInput(null));
      expect((reply as { error: { message: string } }).error.message).toMatch(/not JSON/);
    }
    expect(await exchange(ws, [JSON.stringify({ kind: 'call', id: 9, method: 'projects.list', input: {} })], 1)).toEqual([
      { kind: 'result', id: 9, ok: true, output: [] },
    ]);
    ws.close();
  });

  it('answers an id that is not a whole number at or above zero with BAD_INPUT under the id null', async () => {
    const server = await serve();
    const ws = await openSocket(server.port, server.token);
    for (const id of [1.5, -1, '7', null, 2 ** 60, true]) {
      const [reply] = await exchange(ws, [JSON.stringify({ kind: 'call', id, method: 'projects.list', input: {} })], 1);
      expect(reply, `tried the id ${JSON.stringify(id)}`).toEqual(badInput(null));
      expect((reply as { error: { message: string } }).error.message).toMatch(/^malformed message envelope: id: /);
    }
    // A message that is JSON but not an object at all.
    for (const text of ['42', '"call"', '[1,2]', 'null']) {
      expect(await exchange(ws, [text], 1), `tried ${text}`).toEqual([badInput(null)]);
    }
    ws.close();
  });

  it('answers 10,000-deep nested JSON with BAD_INPUT, as the input of a call and as the whole message', async () => {
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    const server = await serve(core);
    const ws = await openSocket(server.port, server.token);
    const nestedInput = `{"kind":"call","id":1,"method":"tasks.create","input":{"projectId":"${project.id}","title":"deep","agentOptions":{"a":${deepArrays}}}}`;
    const [asInput] = await exchange(ws, [nestedInput], 1);
    expect(asInput).toEqual(badInput(1));
    expect((asInput as { error: { message: string } }).error.message).toMatch(/nests deeper than/);
    const [asMessage] = await exchange(ws, [deepArrays], 1);
    expect(asMessage).toEqual(badInput(null));
    // Nothing was stored, and the connection still answers.
    const [list] = await exchange(ws, [JSON.stringify({ kind: 'call', id: 2, method: 'tasks.list', input: { projectId: project.id } })], 1);
    expect(list).toEqual({ kind: 'result', id: 2, ok: true, output: [] });
    ws.close();
  });

  it('carries the largest plan the importer reads, sent as text with every other byte escaped, in one call', async () => {
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    const server = await serve(core);
    const ws = await openSocket(server.port, server.token);
    // Tried: a pasted plan of MAX_PLAN_BYTES whose notes are quotation marks, each two bytes once
    // escaped for JSON (an 8 MB message); with a wire limit equal to the plan limit the connection was closed.
    const head = '# Plan\n\n- [ ] One task\n\n';
    const content = head + '"'.repeat(MAX_PLAN_BYTES - head.length - 1) + '\n';
    const message = JSON.stringify({ kind: 'call', id: 1, method: 'plans.preview', input: { projectId: project.id, content } });
    expect(Buffer.byteLength(message)).toBeGreaterThan(2 * MAX_PLAN_BYTES);
    const [reply] = await exchange(ws, [message], 1);
    expect(reply).toMatchObject({ kind: 'result', id: 1, ok: true, output: { tasks: [expect.objectContaining({ title: 'One task' })] } });
    ws.close();
  }, 60_000);
});
