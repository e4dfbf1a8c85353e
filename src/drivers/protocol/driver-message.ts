/**
 * Messages of the MAD line protocol (spec §4.3), as plain data. Parsing
 * never throws: anything that is not a well-formed line becomes `Malformed`.
 */

export type DriverResult = 'SUCCESS' | 'FAILURE';

/** Driver → core: `VERB RESULT ID INFO…`. `id` is undefined when the driver wrote `-`. */
export interface ReplyLine {
  readonly type: 'reply';
  readonly verb: string;
  readonly result: DriverResult;
  readonly id: number | undefined;
  /** Rest of the line after the id, verbatim; '' when absent. */
  readonly info: string;
}

/** Driver → core: `LOG - <id> <text>`. `id` is undefined unless it is a number. */
export interface LogLine {
  readonly type: 'log';
  readonly id: number | undefined;
  readonly text: string;
}

/** Core → driver: `VERB arg1 … argN`. */
export interface RequestLine {
  readonly type: 'request';
  readonly verb: string;
  readonly args: readonly string[];
}

/** A line that does not follow the protocol, kept as data for the log. */
export interface Malformed {
  readonly type: 'malformed';
  readonly reason: string;
  /** The offending line, cut to a readable length. */
  readonly excerpt: string;
}

export type DriverOutputLine = ReplyLine | LogLine | Malformed;

/** Lines longer than this are dropped as malformed (a sane driver never gets close). */
export const MAX_LINE_LENGTH = 1024 * 1024;

const EXCERPT_LENGTH = 200;

export const malformed = (reason: string, line: string): Malformed => ({
  type: 'malformed',
  reason,
  excerpt: line.length > EXCERPT_LENGTH ? `${line.slice(0, EXCERPT_LENGTH)}…` : line,
});
