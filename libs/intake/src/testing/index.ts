export { createIntakeTestbed, type IntakeTestbed } from './testbed.js';
