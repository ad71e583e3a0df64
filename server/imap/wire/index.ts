/**
 * The IMAP wire codec: pure functions and one stateful reader, no I/O and no imports outside
 * this folder, so it can be fuzzed and reused (CONVENTIONS.md habit 5).
 *
 * Reading: CommandReader (bytes → commands), then the argument parsers for the commands whose
 * arguments have a grammar of their own: parseSearch, parseFetch, parseSequenceSet, decodeMutf7.
 * Writing: untagged / tagged / continuation lines built from encoder parts.
 */
export * from './limits.js';
export { ImapParseError, describeWord, type ImapParseErrorCode, type ImapParseErrorDetails, type WireResult } from './parse-error.js';
export * from './values.js';
export { CommandReader, type CommandReaderOptions, type ReaderEvent } from './command-reader.js';
export * from './encoder.js';
export { decodeMutf7, encodeMutf7 } from './mutf7.js';
export * from './sequence-set.js';
export * from './search-parser.js';
export * from './fetch-parser.js';
