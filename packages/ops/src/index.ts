export * from './archive/format.js';
export { ArchiveReader, type ArchiveReaderOptions, type PartitionRef } from './archive/reader.js';
export { ArchiveWriter, type ArchiveWriterOptions, type WriteResult } from './archive/writer.js';
export { listAll, listPrefixes } from './archive/list.js';
