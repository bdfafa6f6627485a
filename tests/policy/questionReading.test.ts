import { describe, expect, it } from 'vitest';
import { AGENT_ADAPTERS } from '../../electron/core/agents/launcher';
import { answerKeys, DENIED_BY_USER, hookAnswer, readQuestionShape, screenQuestion } from '../../electron/core/policy/questionReading';

/** Claude Code's permission dialog as the mirror shows it, below some earlier output. */
const CLAUDE_DIALOG = [
  '● Update(notes.md)',
  '  ⎿  Added 1 line',
  '',
  '╭────────────────────────────────────────────────────────────╮',
  '│ Bash command',
  '│   git commit -m "x"',
  '│',
  '│ Do you want to proceed?',
  '│ ❯ 1. Yes',
  "│   2. Yes, and don't ask again for git commit commands in /repo",
  '│   3. No, and tell Claude what to do differently (esc)',
  '╰────────────────────────────────────────────────────────────╯',
];

describe('reading a question', () => {
  it('takes the last numbered menu on screen as its choices, frame and pointer left out', () => {
    const earlier = ['Pick a color:', '  1. red', '  2. blue', '> blue', ''];
    expect(readQuestionShape([...earlier, ...CLAUDE_DIALOG])).toEqual({
      kind: 'menu',
      choices: [
        { n: 1, label: 'Yes' },
        { n: 2, label: "Yes, and don't ask again for git commit commands in /repo" },
        { n: 3, label: 'No, and tell Claude what to do differently (esc)' },
      ],
    });
    expect(screenQuestion(AGENT_ADAPTERS['claude-code'].signals, CLAUDE_DIALOG)).toBe('Do you want to proceed?');
  });

  it('reads a y/n question in its shapes, and anything else as open; a lone "1." is no menu', () => {
    expect(readQuestionShape(['Apply this change? (y/n)']).kind).toBe('yes-no');
    expect(readQuestionShape(['Overwrite the file? [Y/n]']).kind).toBe('yes-no');
    expect(readQuestionShape(['Steps:', '1. build it', 'Press Enter to continue']).kind).toBe('open');
  });
});

describe('turning an answer into what the agent takes', () => {
  const menu = readQuestionShape(CLAUDE_DIALOG);

  it('types the number of a menu choice; no is the "No" entry; words are refused there', () => {
    expect(answerKeys(menu, { kind: 'allow' })).toEqual(['1']);
    expect(answerKeys(menu, { kind: 'deny' })).toEqual(['3']);
    expect(answerKeys(menu, { kind: 'choice', n: 2 })).toEqual(['2']);
    expect(() => answerKeys(menu, { kind: 'choice', n: 4 })).toThrow("choice 4 is not one of the question's answers: it offers 1, 2, 3");
    expect(() => answerKeys(menu, { kind: 'text', text: 'do it in the README' })).toThrow(/not words/);
    // A menu without a "No" entry: Esc backs out.
    expect(answerKeys({ kind: 'menu', choices: [{ n: 1, label: 'Keep' }, { n: 2, label: 'Replace' }] }, { kind: 'deny' })).toEqual(['\x1b']);
  });

  it('answers y/n with y or n, and an open question with Enter, Esc, or the words then Enter apart', () => {
    const yesNo = readQuestionShape(['Apply this change? (y/n)']);
    expect(answerKeys(yesNo, { kind: 'allow' })).toEqual(['y']);
    expect(answerKeys(yesNo, { kind: 'choice', n: 2 })).toEqual(['n']);
    const open = readQuestionShape(['What should the branch be called?']);
    expect(answerKeys(open, { kind: 'allow' })).toEqual(['\r']);
    expect(answerKeys(open, { kind: 'deny' })).toEqual(['\x1b']);
    expect(answerKeys(open, { kind: 'text', text: 'feature/inbox' })).toEqual(['feature/inbox', '\r']);
    expect(() => answerKeys(open, { kind: 'choice', n: 1 })).toThrow(/offers no numbered choices/);
  });

  it('gives a held permission hook its decision: 1 and 2 allow, 3 and no refuse, words refuse with the words told', () => {
    expect(hookAnswer({ kind: 'allow' })).toEqual({ behavior: 'allow' });
    expect(hookAnswer({ kind: 'choice', n: 2 })).toEqual({ behavior: 'allow' });
    expect(hookAnswer({ kind: 'choice', n: 3 })).toEqual({ behavior: 'deny', message: DENIED_BY_USER });
    expect(hookAnswer({ kind: 'deny' })).toEqual({ behavior: 'deny', message: DENIED_BY_USER });
    expect(hookAnswer({ kind: 'text', text: 'Use the README.' })).toEqual({ behavior: 'deny', message: 'Use the README.' });
    expect(() => hookAnswer({ kind: 'choice', n: 5 })).toThrow(/choice 5/);
  });
});
