declare module 'subset-font' {
  /** HarfBuzz's subsetter (WebAssembly): subsets and/or instances a TrueType/OpenType/WOFF/WOFF2 font. */
  export default function subsetFont(
    font: Buffer,
    text: string | null,
    options?: {
      targetFormat?: 'sfnt' | 'woff' | 'woff2';
      preserveNameIds?: number[];
      keepFeatures?: string[];
      variationAxes?: Record<string, number | { min?: number; max?: number; default?: number }>;
      noLayoutClosure?: boolean;
      glyphNames?: boolean;
      noHinting?: boolean;
      dropTables?: string[];
      keepAllGlyphs?: boolean;
    },
  ): Promise<Buffer>;
}
