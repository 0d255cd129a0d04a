import { Injectable } from '@nestjs/common';
import { type ExportInput, exportPackage } from './qti-export.js';
import { type ImportResult, importPackage } from './qti-import.js';
import type { QtiVersion } from './qti-names.js';

/**
 * QTI 3.0 / 2.1 content packages for question banks: the assessments module wires it to
 * `GET .../question-banks/:bankId/qti?version=` (export) and `POST .../question-banks/:bankId/qti`
 * (import). Pure work on bytes: permissions, tenancy and persistence stay with the caller.
 */
@Injectable()
export class QtiService {
  static readonly contentType = 'application/zip';

  /** A zip (IMS content package) holding one item per question, plus a test when `asTest` is given. */
  exportPackage(input: ExportInput): Uint8Array {
    return exportPackage(input);
  }

  /** Reads a package; refuses malformed or unsafe ones with `Invalid` / `PayloadTooLarge`, skips unsupported items with warnings. */
  importPackage(zip: Uint8Array): ImportResult {
    return importPackage(zip);
  }

  /** A download name for a bank's package, e.g. `algebra-basics-qti-3.0.zip`. */
  fileName(title: string, version: QtiVersion): string {
    const slug =
      title
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 60) || 'questions';
    return `${slug}-qti-${version}.zip`;
  }
}
