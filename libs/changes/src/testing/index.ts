export { accepted, createChangesTestbed, type ChangesTestbed } from './testbed.js';
export { schemaMismatches } from './schema.js';
