import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The module rules of ARCHITECTURE.md as a lint: other modules are reached only through their
 * index.ts, the kernel never imports a module, and no module reads the gathered db-schema.
 */
const SRC = path.dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'test' ? [] : sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** The unit a file belongs to: `modules/<area>/<module>` when that folder has an index.ts, else `modules/<area>`. */
function unitOf(rel: string): string | null {
  const parts = rel.split('/');
  if (parts[0] !== 'modules' || parts.length < 3) return null;
  const sub = parts.length > 3 ? `modules/${parts[1]}/${parts[2]}` : null;
  try {
    if (sub && statSync(path.join(SRC, sub, 'index.ts')).isFile()) return sub;
  } catch {
    /* no index: the area is the unit */
  }
  return `modules/${parts[1]}`;
}

function violations(): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const rel = path.relative(SRC, file).split(path.sep).join('/');
    if (rel.endsWith('.test.ts')) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2]!;
      const target = path.relative(SRC, path.resolve(path.dirname(file), spec)).split(path.sep).join('/');
      if (rel.startsWith('kernel/') && target.startsWith('modules/')) out.push(`${rel}: the kernel imports a module (${spec})`);
      if (rel.startsWith('modules/') && target === 'db-schema.js') out.push(`${rel}: a module imports db-schema (${spec})`);
      const from = unitOf(rel);
      const to = target.startsWith('modules/') ? unitOf(target) : null;
      if (!from || !to || from === to) continue;
      const toArea = to.split('/').slice(0, 2).join('/');
      const fromArea = from.split('/').slice(0, 2).join('/');
      const viaIndex = target === `${to}/index.js` || target === `${toArea}/index.js`;
      // Files at an area's top level (e.g. learning/learning.events.ts) are shared by that area's modules.
      const areaShared = fromArea === toArea && target.split('/').length === 3;
      // Drizzle foreign keys between submodules of one context (video -> library) name the table itself.
      const schemaOfArea = fromArea === toArea && rel.endsWith('.schema.ts') && target.endsWith('.schema.js');
      if (!viaIndex && !areaShared && !schemaOfArea) out.push(`${rel}: imports ${spec} (reach ${to} only through its index.ts)`);
    }
  }
  return out;
}

describe('module boundaries', () => {
  it('modules meet each other only through index.ts, and the kernel imports no module', () => {
    expect(violations()).toEqual([]);
  });
});

describe('OpenAPI schema names', () => {
  it('gives every DTO class a unique name (the document keys schemas by class name)', () => {
    const seen = new Map<string, string[]>();
    for (const file of sourceFiles(SRC)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/export class (\w+) extends createZodDto\(/g)) {
        const rel = path.relative(SRC, file);
        seen.set(m[1]!, [...(seen.get(m[1]!) ?? []), rel]);
      }
    }
    const dupes = [...seen].filter(([, files]) => files.length > 1).map(([name, files]) => `${name}: ${files.join(', ')}`);
    expect(dupes).toEqual([]);
  });
});
