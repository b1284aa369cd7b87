import { describe, expect, test } from '@jest/globals'
import {
  commandData,
  commandProperty,
  htmlInline,
  htmlText,
  logText,
  mdBlock,
  mdCode,
  mdInline,
  mdText,
  urlPath
} from '../../src/report/escape.js'

const Z = '\u200b'

describe('markdown text', () => {
  test('every markdown character is escaped and shown literally', () => {
    expect(mdText('a*b_c [x](y) <b>|`#')).toBe('a\\*b\\_c \\[x\\]\\(y\\) \\<b\\>\\|\\`\\#')
  })
  test('mentions, references and autolinks are broken with a zero-width space', () => {
    expect(mdText('@octocat')).toBe(`@${Z}octocat`)
    expect(mdText('@org/team')).toBe(`@${Z}org/team`)
    expect(mdText('fixes #12')).toBe(`fixes \\#${Z}12`)
    expect(mdText('https://evil.example')).toBe(`https:${Z}//evil\\.example`)
    expect(mdText('www.evil.example')).toBe(`www${Z}\\.evil\\.example`)
  })
  test('line breaks and control characters become spaces', () => {
    expect(mdText('a\nb\r\nc\td\u0007')).toBe('a b c\td ')
  })
})

describe('code spans', () => {
  test('a fence longer than any backtick run inside', () => {
    expect(mdCode('plain')).toBe('`plain`')
    expect(mdCode('a `b` c')).toBe('``a `b` c``')
    expect(mdCode('`x')).toBe('`` `x ``')
  })
  test('pipes are escaped in table cells only', () => {
    expect(mdCode('a|b', { table: true })).toBe('`a\\|b`')
    expect(mdCode('a|b')).toBe('`a|b`')
  })
})

describe('inline messages', () => {
  test('code spans from the rule are kept, everything else escaped', () => {
    expect(mdInline('`Read SSM` runs 35 min after `Auth` @here')).toBe(
      `\`Read SSM\` runs 35 min after \`Auth\` @${Z}here`
    )
  })
  test('a crafted label cannot leave its code span or start markup', () => {
    // the label "x` <img src=y> [z](http://e) `" inserted between the rule's backticks
    const msg = '`x` <img src=y> [z](http://e) `` reads secrets'
    expect(mdInline(msg)).toBe(
      `\`x\` \\<img src\\=y\\> \\[z\\]\\(http:${Z}//e\\) \\\`\\\` reads secrets`
    )
  })
  test('an unmatched backtick is literal', () => {
    expect(mdInline('a ` b')).toBe('a \\` b')
  })
})

describe('HTML lines', () => {
  test('escapes markup and breaks mentions', () => {
    expect(htmlText('<!-- prevent-similar-bugs --> & "q" @me')).toBe(
      `&lt;!-- prevent-similar-bugs --&gt; &amp; &quot;q&quot; @${Z}me`
    )
  })
  test('an apostrophe becomes an entity that stays whole (no break inside `&#39;`)', () => {
    expect(htmlText("the deploy user's keys #12")).toBe(`the deploy user&#39;s keys #${Z}12`)
  })
  test('code spans become <code>', () => {
    expect(htmlInline('`<b>` after `a`')).toBe('<code>&lt;b&gt;</code> after <code>a</code>')
  })
})

describe('markdown blocks (recommendations)', () => {
  const template = 'See [the docs](https://docs.example/x) after {auth.label}.'
  test("the rule's own links are kept; injected links, images and HTML are not", () => {
    const filled =
      'See [the docs](https://docs.example/x) after [click](https://evil.example) ![i](https://e/i.png) <script>.'
    expect(mdBlock(filled, template)).toBe(
      `See [the docs](https://docs.example/x) after \\[click\\]\\(https:${Z}//evil.example\\) \\!\\[i\\]\\(https:${Z}//e/i.png\\) &lt;script>.`
    )
  })
  test('code spans and emphasis keep working; mentions are broken', () => {
    expect(mdBlock('**Move** `step` up, ping @team')).toBe(`**Move** \`step\` up, ping @${Z}team`)
  })
  test('a fenced block cannot be closed by its content', () => {
    const text = 'Do this:\n\n```yaml\nname: x\n````\n<b>still code</b>\n```\nafter'
    // the original fence closes at the first ``` line (of length >= 3): "````" closes it already
    expect(mdBlock(text)).toBe(
      'Do this:\n\n```yaml\nname: x\n```\n&lt;b>still code&lt;/b>\n```\nafter\n```'
    )
  })
  test('a code span may run over a line break within a paragraph, not across paragraphs', () => {
    expect(mdBlock('fails with `Could not\nfetch` @x\n\nnext ` para')).toBe(
      `fails with \`Could not\nfetch\` @${Z}x\n\nnext \\\` para`
    )
  })
  test('a fence inside a fence gets a longer fence', () => {
    const text = '~~~\n```\ninner\n```\n~~~'
    expect(mdBlock(text)).toBe('````\n```\ninner\n```\n````')
  })
})

describe('workflow commands', () => {
  test('data: %, CR and LF', () => {
    expect(commandData('50% done\r\n::error::x')).toBe('50%25 done%0D%0A::error::x')
  })
  test('properties: also : and ,', () => {
    expect(commandProperty('a,b:c%\n')).toBe('a%2Cb%3Ac%25%0A')
  })
  test('log text cannot start a line', () => {
    expect(logText('x\n::error::boom\r')).toBe('x\\n::error::boom\\r')
  })
})

test('url paths encode each segment, parentheses included', () => {
  expect(urlPath('.github/workflows/a b(1).yml')).toBe('.github/workflows/a%20b%281%29.yml')
})
