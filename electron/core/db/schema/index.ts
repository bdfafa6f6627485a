export * from './projects';
export * from './settings';
export * from './tasks';
export * from './sessions';
