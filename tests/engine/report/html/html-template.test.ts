import { test } from 'vitest';
import { html } from '../../../../engine/report/html/html-template.js';
import { expectEqual } from '../../../support/expect-equal.js';

test('interpolated values are escaped for text and attributes; nested templates are kept', () => {
  const name = `<b>&"x"'`;
  expectEqual(html`<td title="${name}">${name}</td>`.markup, '<td title="&lt;b&gt;&amp;&quot;x&quot;&#39;">&lt;b&gt;&amp;&quot;x&quot;&#39;</td>');
  expectEqual(html`<ul>${['a<', 'b'].map((s) => html`<li>${s}</li>`)}</ul>`.markup, '<ul><li>a&lt;</li><li>b</li></ul>');
  expectEqual(html`${1234}|${false}|${null}|${undefined}|${[]}`.markup, '1234||||');
});
