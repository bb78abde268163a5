import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "@/components/disputes/markdown";
import { mentionsIn, parseMarkdown } from "@/lib/web/markdown";

const html = (text: string) => renderToStaticMarkup(createElement(Markdown, { text }));
const ADDRESS = "0xAbCdEf0123456789abcdef0123456789ABCDEF01";

describe("Markdown (dispute threads)", () => {
  it("shows script and HTML as the characters typed, never as markup", () => {
    const out = html(`<script>alert(1)</script> <img src=x onerror="alert(2)"> <b>bold</b>`);
    expect(out).not.toMatch(/<script|<img|<b>/);
    expect(out).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(out).toContain("&lt;img src=x onerror=&quot;alert(2)&quot;&gt;");
  });

  it("keeps markup inert inside code, links, emphasis and quotes too", () => {
    const out = html(
      "```\n<script>x</script>\n```\n\n> <iframe src=javascript:alert(1)>\n\n**<svg onload=alert(1)>** [<img src=x>](https://example.org)",
    );
    expect(out).not.toMatch(/<(script|iframe|svg|img)\b/);
    expect(out).toContain('<a href="https://example.org/"');
  });

  it("links only http(s) URLs: javascript:, data: and relative targets stay text", () => {
    for (const target of [
      "javascript:alert(1)",
      "JAVASCRIPT:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "//evil.example",
      "/disputes",
      "vbscript:msgbox",
    ]) {
      const out = html(`[click](${target})`);
      expect(out, target).not.toContain("<a");
      expect(out).toContain("[click]");
    }
    expect(html("javascript:alert(1)")).not.toContain("<a");
    expect(html("[docs](https://example.org/a?b=1&c=2)")).toContain(
      '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer nofollow ugc" target="_blank"',
    );
  });

  it("links bare URLs without the sentence's trailing punctuation", () => {
    const out = html("See https://example.org/x. Or (http://example.org/y).");
    expect(out).toContain('<a href="https://example.org/x"');
    expect(out).toContain('<a href="http://example.org/y"');
    expect(out).toContain("</a>.");
    expect(out).toContain("</a>).");
  });

  it("links @address mentions to the disputes mentioning them, lowercased and shortened", () => {
    const out = html(`cc @${ADDRESS}, and @0x123 and @${ADDRESS}ff`);
    const lower = ADDRESS.toLowerCase();
    expect(out).toContain(`href="/disputes?mentions=${lower}"`);
    expect(out).toContain(`title="${lower}"`);
    expect(out).toContain(">@0xabcd…ef01</a>");
    expect(out.match(/<a /g)).toHaveLength(1); // too short, too long: not mentions
    expect(mentionsIn(`@${ADDRESS} and again @${lower}`)).toEqual([lower]);
  });

  it("renders bold, italic, code, line breaks, lists, numbered lists and quotes", () => {
    const out = html(
      "**bold** and *italic* and `a*b*c`\nnext line\n\n- one\n- two\n\n3. three\n4. four\n\n> quoted\n> more",
    );
    expect(out).toContain("<strong>bold</strong>");
    expect(out).toContain("<em>italic</em>");
    expect(out).toContain("a*b*c</code>");
    expect(out).toContain("<br/>next line");
    expect(out).toMatch(/<ul[^>]*><li>one<\/li><li>two<\/li><\/ul>/);
    expect(out).toMatch(/<ol start="3"[^>]*><li>three<\/li><li>four<\/li><\/ol>/);
    expect(out).toMatch(/<blockquote[^>]*><p>quoted<br\/>more<\/p><\/blockquote>/);
  });

  it("leaves unmatched markers, escapes and arithmetic as text", () => {
    const out = html("2 * 3 * 4 and **open and \\*not italic\\* and `open");
    expect(out).not.toMatch(/<(em|strong|code)>/);
    expect(out).toContain("*not italic*");
  });

  it("keeps a fenced block's text exactly, and an unclosed fence runs to the end", () => {
    expect(parseMarkdown("```ts\n  const a = 1;\n\n**b**\n```")).toEqual([
      { t: "code", lang: "ts", v: "  const a = 1;\n\n**b**" },
    ]);
    expect(parseMarkdown("~~~\nopen")).toEqual([{ t: "code", lang: "", v: "open" }]);
  });

  it("parses 10,000 characters of adversarial markers quickly", () => {
    const started = performance.now();
    html("*[`@".repeat(2500));
    html("**a ".repeat(2500));
    html("*a ".repeat(3333));
    html("`".repeat(10_000));
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
