export { pairWithinNotification, type PairedRows, type RowUpdate } from './within-notification.js';
export { createParkingLot, parkedKey, type ParkedRow, type ParkingLot, type ParkingOptions } from './parking.js';
