/*
 * QTI import and export, for the assessments module (the folder is part of that module, so this
 * file only gathers what its bank endpoints use).
 */
export { QtiService } from './qti.service.js';
export { exportPackage, exportFiles, type ExportInput, type QtiQuestion } from './qti-export.js';
export { importPackage, type ImportResult, type ImportedItem } from './qti-import.js';
export { QtiVersionSchema, type QtiVersion } from './qti-names.js';
export { ZIP_LIMITS } from './qti-zip.js';
