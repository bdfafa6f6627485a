export * from './plans';
export * from './projects';
export * from './settings';
export * from './tasks';
export * from './worktrees';
export * from './scheduler';
export * from './sessions';
export * from './usage';
