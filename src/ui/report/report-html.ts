// The report as a standalone HTML document (table, narrative, checks with their review notes) and
// the narrative as plain text: what the report view downloads. Every text is HTML-escaped.

import type { ReportTable } from './report-table';
import { cellText } from './report-table';
import type { NarrativeParagraph } from '../../domain/report';
import type { ViewSettings } from '../grid/columns';
import type { Lang, OfficeInfo } from '../../domain/model';
import { dateLine } from '../../domain/office';
import { t } from '../i18n';

/** Text safe inside HTML elements and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The heading and signature block of a Vietnamese administrative document (Decree 30/2020/NĐ-CP):
 * left, the body above the issuer, the issuer and the number; right, the national title, the motto
 * and the place and date; at the foot the recipients, who compiled it and who signs.
 */
export interface DocHeading {
  parent: string;
  issuer: string;
  number: string;
  nation: string;
  motto: string;
  dateLine: string;
  recipientsTitle: string;
  recipients: string[];
  compilerTitle: string;
  compiler: string;
  signerTitle: string[];
  signerName: string;
}

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

export function docHeading(o: OfficeInfo, year: number, lang: Lang): DocHeading {
  return {
    parent: o.parent.toLocaleUpperCase('vi'),
    issuer: o.issuer.toLocaleUpperCase('vi'),
    number: o.number,
    nation: t(lang, 'rptNation'),
    motto: t(lang, 'rptMotto'),
    dateLine: dateLine(o, year, lang),
    recipientsTitle: t(lang, 'rptRecipients'),
    recipients: lines(o.recipients).map((l) => (l.startsWith('-') ? l : `- ${l}`)),
    compilerTitle: t(lang, 'rptCompiler'),
    compiler: o.compiler,
    signerTitle: lines(o.signerTitle),
    signerName: o.signerName,
  };
}

export interface ReportDocument {
  /** The administrative heading and signatures (none when the workbook has no office). */
  heading?: DocHeading;
  title: string;
  /** Place, as-of date. */
  subtitle: string;
  unitLine: string;
  table: ReportTable;
  tableCaption: string;
  narrativeTitle: string;
  paragraphs: readonly NarrativeParagraph[];
  /** The checks' sentences, each with its review note ("" when not reviewed). */
  checksTitle: string;
  checks: readonly { sentence: string; review: string }[];
}

const PRINT_CSS = `
  @page { size: A4 landscape; margin: 12mm 10mm 14mm; @bottom-right { content: counter(page) " / " counter(pages); font: 9pt serif; } }
  body { font-family: 'Times New Roman', serif; font-size: 12pt; margin: 0 auto; max-width: 277mm; }
  h1 { font-size: 14pt; text-align: center; margin: 0; }
  .subtitle { text-align: center; margin: 2px 0 8px; }
  .unit { text-align: right; font-style: italic; margin: 0 0 2px; }
  table { border-collapse: collapse; width: 100%; font-size: 9pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  th, td { border: 1px solid #000; padding: 2px 4px; vertical-align: top; }
  th { background: #d9e1f2; }
  td.num { text-align: right; white-space: nowrap; }
  tr.total td, tr.parent td { font-weight: bold; }
  tr.total td { background: #e2efda; }
  td.depth1 { padding-left: 14px; }
  h2 { font-size: 12pt; margin: 12px 0 4px; }
  h3 { font-size: 12pt; margin: 6px 0 2px; }
  p { margin: 0 0 6px; text-align: justify; }
  .review { font-style: italic; }
  .doc-head { display: grid; grid-template-columns: 2fr 3fr; text-align: center; margin-bottom: 10px; }
  .doc-head p { margin: 0; text-align: center; }
  .doc-head .strong { font-weight: bold; }
  .doc-head .rule { width: 35%; margin: 2px auto 4px; border: 0; border-top: 1px solid #000; }
  .doc-head .date { font-style: italic; margin-top: 4px; }
  .doc-sign { display: grid; grid-template-columns: 2fr 1.5fr 1.5fr; margin-top: 16px; break-inside: avoid; }
  .doc-sign p { margin: 0; text-align: left; }
  .doc-sign .who { text-align: center; display: flex; flex-direction: column; }
  .doc-head .number { white-space: pre; }
  .doc-sign .who p { text-align: center; }
  .doc-sign .space { flex: 1; min-height: 22mm; }
  .doc-sign .recipients { font-size: 10pt; }
`;

/** The heading and signature block as the .xlsx export lays them out: rows above the title, blocks below the table. */
export function xlsxFrame(h: DocHeading): { heading: { left: string[]; right: string[] }; footer: string[][] } {
  // The names on one row at the foot, with room to sign above them, however long the titles.
  const tall = Math.max(h.signerTitle.length, 1) + 4;
  const signed = (title: string[], name: string) => [...title, ...new Array<string>(tall - 1 - title.length).fill(''), name];
  return {
    heading: { left: [h.parent, h.issuer, h.number].filter(Boolean), right: [h.nation, h.motto, h.dateLine] },
    footer: [h.recipients.length ? [h.recipientsTitle, ...h.recipients] : [''], signed([h.compilerTitle], h.compiler), signed(h.signerTitle, h.signerName)],
  };
}

/** The heading as HTML (escaped). */
function headingHtml(h: DocHeading): string {
  const e = escapeHtml;
  const p = (text: string, cls = '') => (text ? `<p${cls ? ` class="${cls}"` : ''}>${e(text)}</p>` : '');
  return (
    `<div class="doc-head"><div>${p(h.parent)}${p(h.issuer, 'strong')}<hr class="rule">${p(h.number, 'number')}</div>` +
    `<div>${p(h.nation, 'strong')}${p(h.motto, 'strong')}<hr class="rule">${p(h.dateLine, 'date')}</div></div>`
  );
}

/** The signature block as HTML (escaped). */
function signatureHtml(h: DocHeading): string {
  const e = escapeHtml;
  const recipients = h.recipients.length ? `<p><b><i>${e(h.recipientsTitle)}</i></b></p>${h.recipients.map((r) => `<p>${e(r)}</p>`).join('')}` : '';
  return (
    `<div class="doc-sign"><div class="recipients">${recipients}</div>` +
    `<div class="who"><p><b>${e(h.compilerTitle)}</b></p><div class="space"></div><p><b>${e(h.compiler)}</b></p></div>` +
    `<div class="who">${h.signerTitle.map((l) => `<p><b>${e(l)}</b></p>`).join('')}<div class="space"></div><p><b>${e(h.signerName)}</b></p></div></div>`
  );
}

/** The whole report as one HTML file that prints on A4 landscape. */
export function reportHtml(doc: ReportDocument, view: ViewSettings): string {
  const e = escapeHtml;
  const head = `<tr>${doc.table.headers.map((h) => `<th>${e(h)}</th>`).join('')}</tr>`;
  const body = doc.table.rows
    .map((r) => {
      const cells = r.cells.map((c, i) => {
        const cls = [doc.table.numeric[i] ? 'num' : '', i === 1 && r.depth ? 'depth1' : ''].filter(Boolean).join(' ');
        return `<td${cls ? ` class="${cls}"` : ''}>${e(cellText(c, view))}</td>`;
      });
      return `<tr class="${r.kind ?? 'line'}">${cells.join('')}</tr>`;
    })
    .join('\n');
  const paragraphs = doc.paragraphs.map((p) => `<h3>${e(p.heading)}</h3>\n<p>${e(p.text)}</p>`).join('\n');
  const checks = doc.checks.length
    ? `<h2>${e(doc.checksTitle)}</h2>\n<ol>${doc.checks.map((c) => `<li>${e(c.sentence)}${c.review ? `<br><span class="review">${e(c.review)}</span>` : ''}</li>`).join('\n')}</ol>`
    : '';
  return `<!doctype html>
<html lang="${view.lang}">
<head>
<meta charset="utf-8">
<title>${e(doc.title)}</title>
<style>${PRINT_CSS}</style>
</head>
<body>
${doc.heading ? headingHtml(doc.heading) : ''}
<h1>${e(doc.title)}</h1>
<p class="subtitle">${e(doc.subtitle)}</p>
<h2>${e(doc.tableCaption)}</h2>
<p class="unit">${e(doc.unitLine)}</p>
<table>
<thead>${head}</thead>
<tbody>
${body}
</tbody>
</table>
<h2>${e(doc.narrativeTitle)}</h2>
${paragraphs}
${doc.heading ? signatureHtml(doc.heading) : ''}
${checks}
</body>
</html>
`;
}

/** The narrative as plain text, with the checks and their review notes after it unless `checks` is false. */
export function reportText(doc: ReportDocument, checks = true): string {
  const h = doc.heading;
  const lines = h ? [h.parent, h.issuer, h.number, '', h.nation, h.motto, h.dateLine, ''].filter((l, i, all) => l || all[i - 1]) : [];
  lines.push(doc.title, doc.subtitle, '', doc.narrativeTitle, '');
  for (const p of doc.paragraphs) lines.push(p.heading, p.text, '');
  if (h) {
    if (h.recipients.length) lines.push(h.recipientsTitle, ...h.recipients, '');
    lines.push(...h.signerTitle, '', '', h.signerName, '');
  }
  if (checks && doc.checks.length) {
    lines.push(doc.checksTitle, '');
    doc.checks.forEach((c, i) => lines.push(`${i + 1}. ${c.sentence}`, ...(c.review ? [`   ${c.review}`] : [])));
  }
  return lines.join('\n').trimEnd() + '\n';
}
