export * from './level.ts';
export * from './version.ts';
export * from './level-version.ts';
export * from './labels.ts';
export * from './issue.ts';
