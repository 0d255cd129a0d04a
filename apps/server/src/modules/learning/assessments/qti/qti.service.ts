import { Injectable } from '@nestjs/common';
import { type ExportInput, exportPackage } from './qti-export.js';
import { type ImportResult, importPackage } from './qti-import.js';

/**
 * QTI 3.0 / 2.1 content packages for question banks: the assessments module wires it to
 * `GET .../question-banks/:bankId/qti?version=` (export) and `POST .../question-banks/:bankId/qti`
 * (import). Pure work on bytes: permissions, tenancy and persistence stay with the caller.
 */
@Injectable()
export class QtiService {
  /** A zip (IMS content package) holding one item per question, plus a test when `asTest` is given. */
  exportPackage(input: ExportInput): Uint8Array {
    return exportPackage(input);
  }

  /** Reads a package; refuses malformed or unsafe ones with `Invalid` / `PayloadTooLarge`, skips unsupported items with warnings. */
  importPackage(zip: Uint8Array): ImportResult {
    return importPackage(zip);
  }
}
