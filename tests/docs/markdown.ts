/** A value as YAML flow style, the way the docs show defaults: `[7, 14]`, `{name: loyal, f_min: 4}`. */
export function flowValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(flowValue).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${flowValue(v)}`).join(', ')}}`;
  if (typeof value === 'string') return value === '' || /[:{}[\],#]/.test(value) ? JSON.stringify(value) : value;
  return String(value);
}

/** Text fit for one Markdown table cell: pipes escaped (unless already), line breaks joined. */
export function tableCell(text: string): string {
  return text.replace(/(?<!\\)\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
