/**
 * The regulation (《海宁市公务电子邮箱使用管理规定》, common/regulation.zh.md, shipped with the app)
 * rendered as text: `## ` lines become headings, other lines paragraphs. React escapes every
 * character, so nothing in the file can become markup. `sections` limits it to some chapters
 * (the acceptable-use statement at activation).
 */
import regulation from '../../../common/regulation.zh.md?raw';

interface Block {
  heading: string | null;
  lines: string[];
}

function blocks(): { title: string; sections: Block[] } {
  const lines = regulation.split(/\r?\n/);
  const title = (lines.find((l) => l.startsWith('# ')) ?? '').slice(2).trim();
  const sections: Block[] = [];
  let current: Block = { heading: null, lines: [] };
  for (const line of lines) {
    if (line.startsWith('# ')) continue;
    if (line.startsWith('## ')) {
      if (current.heading !== null || current.lines.length > 0) sections.push(current);
      current = { heading: line.slice(3).trim(), lines: [] };
    } else if (line.trim()) current.lines.push(line.trim());
  }
  sections.push(current);
  return { title, sections };
}

export function RegulationText({ sections }: { sections?: readonly string[] }) {
  const doc = blocks();
  const shown = sections ? doc.sections.filter((s) => s.heading !== null && sections.includes(s.heading)) : doc.sections;
  return (
    <article className="regulation-text">
      <h3>{doc.title}</h3>
      {shown.map((section, i) => (
        <section key={section.heading ?? `intro-${i}`}>
          {section.heading && <h4>{section.heading}</h4>}
          {section.lines.map((line, j) => (
            <p key={j}>{line}</p>
          ))}
        </section>
      ))}
    </article>
  );
}
