/** The template language in one import, for callers outside this folder. */
export * from './template.ts';
export * from './result.ts';
export * from './parse-template.ts';
export * from './serialize-template.ts';
export * from './template-lookup.ts';
export * from './template-edit.ts';
export * from './template-xml.ts';
export * from './escape-xml.ts';
export * from './numeric-read.ts';
export * from './substitute-variables.ts';
export * from './expressions/fnmatch.ts';
export * from './expressions/requirements.ts';
export * from './expressions/rank.ts';
export * from './expressions/compile.ts';
export { MAX_EXPRESSION_DEPTH } from './expressions/token-cursor.ts';
export type { ExpressionSyntaxError } from './expressions/tokenize.ts';
