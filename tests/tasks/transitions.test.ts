import { describe, expect, it } from 'vitest';
import {
  CREATION_EVENTS,
  initialStatus,
  nextStatus,
  TASK_EVENTS,
  type CreationEvent,
  type TaskEvent,
} from '../../electron/core/tasks/taskTransitions';
import { TASK_STATUSES, type TaskStatus } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';

/**
 * What every event does to a task in every status, written out by hand: one line per event,
 * one column per status in the order of the header; `-` is a refused move.
 */
const EXPECTED = `
event                   backlog  ready    running      needs_input  review   done     failed
user.drag.backlog       backlog  backlog  -            -            backlog  backlog  backlog
user.drag.ready         ready    ready    -            -            ready    ready    ready
user.drag.running       running  running  running      -            running  running  running
user.drag.needs_input   -        -        -            needs_input  -        -        -
user.drag.review        review   review   review       review       review   review   review
user.drag.done          done     done     done         done         done     done     done
user.drag.failed        failed   failed   -            -            failed   failed   failed
session.started         running  running  running      running      running  running  running
scheduler.promoted      ready    ready    -            -            -        -        -
scheduler.startFailed   failed   failed   running      needs_input  review   done     failed
session.working         backlog  ready    running      running      running  done     failed
session.needsInput      backlog  ready    needs_input  needs_input  review   done     failed
session.turnFinished    backlog  ready    review       review       review   done     failed
session.exitedOk        review   review   review       review       review   done     review
session.failed          failed   failed   failed       failed       failed   done     failed
session.interrupted     backlog  ready    ready        ready        review   done     failed
merge.landed            done     done     done         done         done     done     done
plan.reimported         backlog  ready    running      needs_input  review   done     failed
plan.markedDone         done     done     done         done         done     done     done
scheduler.startRetrying ready    ready    running      needs_input  review   done     failed
merge.failed            backlog  ready    running      needs_input  failed   done     failed
session.limitReached    backlog  ready    ready        ready        ready    done     failed
`;

/** Where a new task starts, by how it came; `-` is refused. */
const EXPECTED_START = `
user.create.backlog      backlog
user.create.ready        ready
user.create.running      running
user.create.needs_input  -
user.create.review       review
user.create.done         done
user.create.failed       failed
plan.newTask             backlog
plan.newDoneTask         done
`;

function grid(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
}

const [header, ...rows] = grid(EXPECTED);
const columns = header!.slice(1) as TaskStatus[];
const expected = new Map(rows.map(([event, ...cells]) => [event as TaskEvent, cells]));

/** The move, or the error it was refused with. */
function attempt<T>(move: () => T): T | SwitchyardError {
  try {
    return move();
  } catch (error) {
    if (error instanceof SwitchyardError) return error;
    throw error;
  }
}

describe('the task lifecycle table', () => {
  it('covers every status and every event, no more and no fewer', () => {
    expect(columns).toEqual([...TASK_STATUSES]);
    expect([...expected.keys()].sort()).toEqual([...TASK_EVENTS].sort());
    for (const [event, cells] of expected) expect(cells, event).toHaveLength(TASK_STATUSES.length);
  });

  it('gives every (status, event) pair the expected status, or refuses it with ILLEGAL_TRANSITION naming both', () => {
    let refusals = 0;
    for (const event of TASK_EVENTS) {
      TASK_STATUSES.forEach((status) => {
        const want = expected.get(event)![columns.indexOf(status)]!;
        const got = attempt(() => nextStatus(status, event));
        if (want !== '-') {
          expect(got, `${status} × ${event}`).toBe(want);
          return;
        }
        refusals++;
        expect(got, `${status} × ${event} should be refused`).toBeInstanceOf(SwitchyardError);
        const error = got as SwitchyardError;
        expect(error.code).toBe('ILLEGAL_TRANSITION');
        expect(error.details).toEqual({ status, event });
        expect(error.message).toContain(status.replace('_', ' '));
        expect(error.message).toContain(event);
      });
    }
    // Of the 7 × 21 pairs: 13 drags (a live agent's card, or into Needs input) and 5 promotions are refused.
    expect(refusals).toBe(18);
  });

  it('starts a new task where its origin says, and refuses a new task in Needs input', () => {
    const starts = new Map(grid(EXPECTED_START).map(([event, status]) => [event as CreationEvent, status!]));
    expect([...starts.keys()].sort()).toEqual([...CREATION_EVENTS].sort());
    for (const [event, want] of starts) {
      const got = attempt(() => initialStatus(event));
      if (want === '-') {
        expect(got, event).toBeInstanceOf(SwitchyardError);
        expect((got as SwitchyardError).toData()).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { status: null, event } });
        expect((got as SwitchyardError).message).toContain(event);
      } else {
        expect(got, event).toBe(want);
      }
    }
  });

  it('says why a move is refused in words the board can show', () => {
    expect(() => nextStatus('running', 'user.drag.backlog')).toThrow(/a task in running cannot take user\.drag\.backlog: its agent is at work: stop it first/);
    expect(() => nextStatus('ready', 'user.drag.needs_input')).toThrow(/only an agent asking its human puts a task in needs input/);
    expect(() => nextStatus('done', 'scheduler.promoted')).toThrow(/only a task in the backlog moves to ready/);
  });
});
