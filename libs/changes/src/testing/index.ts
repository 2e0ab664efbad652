export { accepted, createChangesTestbed, type ChangesTestbed } from './testbed.js';
