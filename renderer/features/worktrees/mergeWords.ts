import type { OutputOf } from '../../../shared/contract';

type MergeResult = OutputOf<'review.merge'>;

function counted(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What a merge did, in one sentence: "Merged sy/fix into main: 3 commits, 5 files". */
export function mergeWords(result: MergeResult, strategy: 'merge' | 'squash'): string {
  if (!result.merged) return `${result.branch} was already in ${result.baseBranch}: there was nothing to merge`;
  const verb = strategy === 'squash' ? 'Squashed' : 'Merged';
  return `${verb} ${result.branch} into ${result.baseBranch}: ${counted(result.commits, 'commit', 'commits')}, ${counted(result.files, 'file', 'files')}`;
}
