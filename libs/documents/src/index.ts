export { documentChanges, documentHistory, type DocumentKey } from './history.js';
export { documentsRouter } from './router.js';
export { searchDocuments, type FoundDocument } from './search.js';
