/** The page's stylesheet and its one script (progressive enhancement: select all, confirm, busy buttons). */
export const PAGE_CSS = `
:root { --fg:#1d2433; --muted:#5b6475; --line:#d9dee7; --accent:#1f5fbf; --warn:#a3470b; --bg:#f6f7f9; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; gap:1.5rem; align-items:center; padding:.6rem 1.2rem; background:#12233f; color:#fff; flex-wrap:wrap; }
header .brand { font-weight:700; letter-spacing:.04em; }
header nav { display:flex; gap:1rem; flex:1; flex-wrap:wrap; }
header a { color:#dbe6ff; text-decoration:none; } header a[aria-current] { color:#fff; border-bottom:2px solid #7fb0ff; }
header .who { display:flex; gap:.6rem; align-items:center; margin:0; } header .who button { font-size:.85rem; }
main { padding:1rem 1.4rem 3rem; max-width:1300px; }
h1 { font-size:1.4rem; margin:.4rem 0 1rem; } h2 { font-size:1.1rem; margin:1.6rem 0 .5rem; }
table { border-collapse:collapse; width:100%; background:#fff; border:1px solid var(--line); }
th, td { text-align:left; padding:.4rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#eef1f6; font-weight:600; font-size:.85rem; }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
.muted { color:var(--muted); font-size:.85rem; }
.flash { background:#e6f4ea; border:1px solid #9ccfa9; padding:.5rem .8rem; }
.error { background:#fdecea; border:1px solid #f3a59d; padding:.5rem .8rem; }
.tag { display:inline-block; padding:0 .45rem; border-radius:.6rem; font-size:.8rem; background:#e8ecf3; }
.tag.config{background:#fff1d6}.tag.data{background:#fde2e2}.tag.transient{background:#e2f0fd}.tag.auth{background:#f0e2fd}.tag.conflict{background:#fde9d6}.tag.locked{background:#e5e5e5}
.cards { display:flex; gap:1rem; flex-wrap:wrap; margin-bottom:1rem; }
.card { background:#fff; border:1px solid var(--line); padding:.7rem 1rem; min-width:10rem; }
.card b { display:block; font-size:1.5rem; }
form.inline { display:inline; }
.filters, .actions { display:flex; gap:.8rem; align-items:end; flex-wrap:wrap; margin:.6rem 0; }
label { display:flex; flex-direction:column; font-size:.85rem; gap:.2rem; }
input, select, textarea, button { font:inherit; padding:.3rem .5rem; }
button { background:var(--accent); color:#fff; border:0; border-radius:3px; cursor:pointer; }
button.secondary { background:#56627a; } button.danger { background:#b3261e; }
button[disabled] { opacity:.6; cursor:progress; }
.diff del { background:#fde2e2; text-decoration:none; } .diff ins { background:#e2f7e6; text-decoration:none; }
.login { max-width:22rem; background:#fff; border:1px solid var(--line); padding:1rem 1.2rem; display:flex; flex-direction:column; gap:.7rem; }
code { font-size:.85rem; }
`;

export const PAGE_JS = `
document.addEventListener('change', (e) => {
  const t = e.target;
  if (t instanceof HTMLInputElement && t.dataset.selectAll !== undefined) {
    for (const box of document.querySelectorAll('input[name="' + t.dataset.selectAll + '"]')) box.checked = t.checked;
  }
});
document.addEventListener('submit', (e) => {
  const f = e.target;
  const ask = e.submitter && e.submitter.dataset.confirm;
  if (ask && !window.confirm(ask)) { e.preventDefault(); return; }
  if (e.submitter) setTimeout(() => { e.submitter.disabled = true; e.submitter.textContent += '…'; }, 0);
});
`;
