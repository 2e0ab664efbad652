export { pairWithinNotification, type PairedRows, type RowUpdate } from './within-notification.js';
export {
  createParkingLot,
  deadlinesKey,
  parkedKey,
  type Claim,
  type EndedWindow,
  type ParkedRow,
  type ParkingLot,
  type ParkingOptions,
} from './parking.js';
