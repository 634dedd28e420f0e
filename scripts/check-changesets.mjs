// Checks that every changeset parses as @changesets/parse reads it: front matter between two `---`
// lines, each line `"<workspace package>": major|minor|patch`, then a summary. A formatter once
// turned single-package front matter into a Markdown heading and `changeset version` failed on it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const names = new Set();
for (const group of ["packages", "apps"]) {
  for (const dir of readdirSync(join(root, group))) {
    try {
      names.add(JSON.parse(readFileSync(join(root, group, dir, "package.json"), "utf8")).name);
    } catch {
      // not a package
    }
  }
}

const problems = [];
const dir = join(root, ".changeset");
for (const file of readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md")) {
  const text = readFileSync(join(dir, file), "utf8");
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!m) {
    problems.push(`${file}: the front matter must be the first lines, between two "---" lines`);
    continue;
  }
  const lines = m[1].split("\n");
  lines.forEach((line, i) => {
    const r = /^"([^"]+)": (major|minor|patch)$/.exec(line);
    if (!r)
      problems.push(
        `${file}:${i + 2}: expected "<package>": major|minor|patch, found ${JSON.stringify(line)}`,
      );
    else if (!names.has(r[1])) problems.push(`${file}:${i + 2}: ${r[1]} is not a workspace package`);
  });
  if (m[2].trim() === "") problems.push(`${file}: the summary is empty`);
}
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(
  `changesets: ${readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md").length} parse`,
);
