import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, MAX_PLAN_BYTES } from '../../shared/constants';
import { SwitchyardError } from '../../shared/errors';
import { checkPlanFile, checkPlanText, readPlanFile, severalFilesNote, sourceOf } from '../../renderer/features/plans/planInput';

/** The typed error a check throws, as data. */
function refusal(check: () => unknown): unknown {
  try {
    check();
  } catch (error) {
    if (error instanceof SwitchyardError) return error.toData();
    throw error;
  }
  throw new Error('the check took what it should refuse');
}

describe('a plan taken in by the import dialog', () => {
  it('reads a plan file as text under its name', async () => {
    const text = '# Release\n\n## Phase 1: Prepare ✓\n\n- [x] Write the changelog\n- [ ] Tag the release\n';
    const plan = await readPlanFile(new File([text], 'plan.txt', { type: 'text/plain' }));
    expect(plan).toEqual({ content: text, fileName: 'plan.txt' });
    expect(sourceOf(plan)).toEqual({ content: text, fileName: 'plan.txt' });
    expect(Object.keys(sourceOf({ content: text }))).toEqual(['content']);
  });

  it('refuses, before reading it, a file that is no text, too big or empty', async () => {
    expect(refusal(() => checkPlanFile(new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0])], 'shot.png', { type: 'image/png' })))).toEqual({
      code: 'BAD_PLAN',
      message: 'shot.png is not a text file (image/png): a plan is markdown or plain text',
      details: { reason: 'not-text', type: 'image/png' },
    });
    expect(refusal(() => checkPlanFile({ name: 'specs.pdf', type: 'application/pdf', size: 10 }))).toMatchObject({ details: { reason: 'not-text' } });
    expect(refusal(() => checkPlanFile({ name: 'plan.md', type: 'text/markdown', size: MAX_PLAN_BYTES + 1 }))).toEqual({
      code: 'BAD_PLAN',
      message: 'plan.md is 4.1 MB; a plan may be at most 4.0 MB',
      details: { reason: 'too-large', bytes: MAX_PLAN_BYTES + 1, limit: MAX_PLAN_BYTES },
    });
    expect(refusal(() => checkPlanFile({ name: 'blank.md', type: '', size: 0 }))).toMatchObject({ details: { reason: 'empty' } });
    // A type the system does not know, or a JSON plan, is left to the importer to read.
    expect(() => checkPlanFile({ name: 'plan.org', type: '', size: 10 })).not.toThrow();
    expect(() => checkPlanFile({ name: 'tasks.json', type: 'application/json', size: 10 })).not.toThrow();
    await expect(readPlanFile(new File(['x'.repeat(MAX_PLAN_BYTES + 1)], 'big.txt', { type: 'text/plain' }))).rejects.toMatchObject({
      code: 'BAD_PLAN',
      details: { reason: 'too-large' },
    });
  });

  it('says a dropped file that cannot be read is no plan, and why', async () => {
    // What the browser hands over for a dropped folder: a File whose reading fails.
    class Folder extends File {
      override text(): Promise<string> {
        return Promise.reject(new DOMException('The requested file could not be read.', 'NotReadableError'));
      }
    }
    await expect(readPlanFile(new Folder([new Uint8Array(4096)], 'docs', { type: '' }))).rejects.toMatchObject({
      code: 'BAD_PLAN',
      message: 'docs could not be read (is it a folder?): The requested file could not be read.',
      details: { reason: 'unreadable' },
    });
  });

  it('refuses pasted text that is blank, over the limit, or too big for one message once escaped', () => {
    expect(refusal(() => checkPlanText(' \n\t '))).toEqual({ code: 'BAD_PLAN', message: 'The pasted plan is empty', details: { reason: 'empty' } });
    // Multi-byte letters count as the bytes they take.
    const wide = 'é'.repeat(MAX_PLAN_BYTES / 2 + 1);
    expect(refusal(() => checkPlanText(wide))).toMatchObject({ details: { reason: 'too-large', bytes: MAX_PLAN_BYTES + 2, limit: MAX_PLAN_BYTES } });
    // The largest plan of nothing but newlines (two bytes each on the wire) still fits in one message.
    expect(() => checkPlanText('\n'.repeat(MAX_PLAN_BYTES - 1) + 'x')).not.toThrow();
    // Under the plan limit, but each control character is six bytes on the wire (\u0001).
    const controls = '\u0001'.repeat(MAX_PLAN_BYTES - 1) + 'x';
    const error = refusal(() => checkPlanText(controls)) as { details: { wireBytes: number; limit: number } };
    expect(error).toMatchObject({ code: 'BAD_PLAN', details: { reason: 'too-large', bytes: MAX_PLAN_BYTES } });
    expect(error.details.wireBytes).toBeGreaterThan(MAX_MESSAGE_BYTES);
    expect(error.details.limit).toBeLessThan(MAX_MESSAGE_BYTES);
    expect(() => checkPlanText('# Plan\n\n- [ ] One task\n')).not.toThrow();
  });

  it('names the file taken and those left out when several come at once, and says nothing for one', () => {
    expect(severalFilesNote([{ name: 'plan.md' }])).toBeNull();
    expect(severalFilesNote([])).toBeNull();
    expect(severalFilesNote([{ name: 'plan.md' }, { name: 'notes.md' }])).toBe(
      '2 files at once: one plan is imported at a time, so this is plan.md; left out: notes.md.',
    );
  });
});
