// The normalized record is defined once, beside the catalog it describes.
export type { EventRecord, Party } from '@tocsin/catalog';
