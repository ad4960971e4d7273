/*
 * markdown.mjs: the Markdown of SPEC.md §7 that js/spec_methods.mjs carries,
 * as DOM nodes for the step panel.
 *
 * Only the subset §7 uses: paragraphs, numbered and bulleted lists (an item's
 * lines indented under it), fenced code blocks (also inside an item), inline
 * `code` and **bold**. Every piece of text goes in by textContent, never as
 * HTML, so nothing in the text can become markup.
 */

const FENCE = /^\s*```/;
const ITEM = /^(\d+)\.\s+|^[-*]\s+/;

function element(tag, text) {
    const node = document.createElement(tag);
    if (text !== undefined)
        node.textContent = text;
    return node;
}

/* Inline text into parent: `code` (taken as it is) and **bold** (which may hold code). */
export function inline(text, parent) {
    let plain = "";
    const flush = () => {
        if (plain)
            parent.append(document.createTextNode(plain));
        plain = "";
    };
    for (let i = 0; i < text.length;) {
        if (text[i] === "`" && text.indexOf("`", i + 1) > i) {
            const end = text.indexOf("`", i + 1);
            flush();
            parent.append(element("code", text.slice(i + 1, end)));
            i = end + 1;
        } else if (text.startsWith("**", i) && closing_bold(text, i + 2) > 0) {
            const end = closing_bold(text, i + 2);
            flush();
            inline(text.slice(i + 2, end), parent.appendChild(element("strong")));
            i = end + 2;
        } else {
            plain += text[i++];
        }
    }
    flush();
}

/* Where the ** that closes a bold run opened before `from` starts (code spans skipped), or -1. */
function closing_bold(text, from) {
    for (let i = from; i < text.length; i++) {
        if (text[i] === "`") {
            const end = text.indexOf("`", i + 1);
            if (end < 0)
                return -1;
            i = end;
        } else if (text.startsWith("**", i)) {
            return i > from ? i : -1;
        }
    }
    return -1;
}

/* A fenced block starting at lines[i] (its opening fence): [<pre>, the index after the closing fence]. */
function fenced(lines, i) {
    const indent = lines[i].match(/^\s*/)[0].length;
    const body = [];
    let j = i + 1;
    for (; j < lines.length && !FENCE.test(lines[j]); j++)
        body.push(lines[j].slice(Math.min(indent, lines[j].match(/^\s*/)[0].length)));
    const pre = element("pre");
    pre.append(element("code", body.join("\n")));
    return [pre, j + 1];
}

/* The Markdown `text` as a DocumentFragment of block elements. */
export function render_markdown(text) {
    const out = document.createDocumentFragment();
    const lines = text.split("\n");
    let list = null; /* the open <ol> or <ul> */
    for (let i = 0; i < lines.length;) {
        const line = lines[i];
        if (line.trim() === "") {
            list = null;
            i++;
        } else if (FENCE.test(line)) {
            const [pre, next] = fenced(lines, i);
            out.append(pre);
            list = null;
            i = next;
        } else if (ITEM.test(line)) {
            const number = line.match(ITEM)[1];
            const tag = number === undefined ? "ul" : "ol";
            if (list === null || list.tagName.toLowerCase() !== tag) {
                list = out.appendChild(element(tag));
                if (number !== undefined && number !== "1")
                    list.start = Number(number);
            }
            const item = list.appendChild(element("li"));
            const words = [line.replace(ITEM, "")];
            const flush = () => {
                if (words.length > 0)
                    inline(words.join(" "), item.appendChild(element("span")));
                words.length = 0;
            };
            /* the item's own lines: indented, until a blank line or the next item */
            for (i++; i < lines.length && /^\s+\S/.test(lines[i]); ) {
                if (FENCE.test(lines[i])) {
                    flush();
                    const [pre, next] = fenced(lines, i);
                    item.append(pre);
                    i = next;
                } else {
                    words.push(lines[i++].trim());
                }
            }
            flush();
        } else {
            const words = [];
            for (; i < lines.length && lines[i].trim() !== "" && !FENCE.test(lines[i]) && !ITEM.test(lines[i]); i++)
                words.push(lines[i].trim());
            inline(words.join(" "), out.appendChild(element("p")));
            list = null;
        }
    }
    return out;
}
