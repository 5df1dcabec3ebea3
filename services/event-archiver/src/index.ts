export { ARCHIVER_CONSUMER, SERVICE, archiveSubscriptions, buildApp } from './app.js';
export { ArchiverConfig } from './config.js';
export { TopicArchiver, toArchived } from './domain/topic-archiver.js';
