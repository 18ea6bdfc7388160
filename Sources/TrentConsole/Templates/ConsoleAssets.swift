/// The console's style sheet and script, served from the binary (no font, framework or file fetched elsewhere).
enum ConsoleAssets {
    static let css = """
        :root { --ink:#16191f; --muted:#5f6b7a; --line:#d1d5db; --bg:#f2f3f3; --panel:#fff; --top:#232f3e;
          --accent:#0972d3; --accent-dark:#033160; --danger:#d91515; --ok:#037f0c; --warn:#8d6605; }
        * { box-sizing: border-box; }
        body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
          color: var(--ink); background: var(--bg); }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible
          { outline: 2px solid var(--accent); outline-offset: 2px; }
        .top { display:flex; align-items:center; justify-content:space-between; background: var(--top); color:#fff;
          padding: 6px 16px; min-height: 44px; }
        .brand { color:#fff; font-weight:700; text-decoration:none; font-size: 16px; }
        .brand span { font-weight:400; color:#d5dbdb; margin-left: 6px; font-size: 13px; }
        .top-right { display:flex; gap: 14px; align-items:center; }
        .top-right label { color:#d5dbdb; margin-right: 4px; }
        .top select { background:#fff; border-radius: 4px; border: 0; padding: 3px 6px; }
        .who { color:#d5dbdb; max-width: 320px; overflow:hidden; text-overflow: ellipsis; white-space: nowrap; }
        .link-button { background:none; border:0; color:#fff; text-decoration: underline; cursor:pointer; padding:0; font: inherit; }
        .frame { display:flex; min-height: calc(100vh - 44px); }
        .side { width: 220px; flex: 0 0 220px; background:#fff; border-right:1px solid var(--line); padding: 16px; }
        .side h2 { font-size: 15px; margin: 0 0 10px; }
        .side ul { list-style:none; padding:0; margin:0; }
        .side li a { display:block; padding: 5px 0; text-decoration:none; color: var(--ink); }
        .side li a[aria-current] { color: var(--accent); font-weight: 700; }
        .side-note { color: var(--muted); font-size: 12px; margin-top: 24px; }
        main { flex:1; padding: 18px 24px; min-width: 0; }
        h1 { font-size: 22px; margin: 4px 0 14px; }
        h2 { font-size: 17px; margin: 0 0 12px; }
        h3 { font-size: 15px; margin: 16px 0 8px; }
        .count { color: var(--muted); font-weight: 400; }
        .page-head { display:flex; align-items:center; justify-content:space-between; gap: 12px; }
        .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin-bottom: 16px; }
        .panel-inner { border-top: 1px solid var(--line); padding-top: 12px; margin-top: 12px; }
        .warning { border-color: #f2b8b5; background: #fff7f7; }
        .button, button { display:inline-block; font: inherit; font-weight: 600; padding: 5px 14px; border-radius: 16px;
          border: 2px solid var(--accent); background: #fff; color: var(--accent); cursor:pointer; text-decoration:none; }
        .primary { background: var(--accent); color:#fff; }
        .danger { border-color: var(--danger); color: var(--danger); }
        button.small, .small { padding: 1px 8px; font-size: 12px; }
        .buttons { display:flex; gap: 8px; margin-top: 12px; align-items:center; flex-wrap: wrap; }
        .buttons form { display:flex; gap: 8px; }
        .actions { display:flex; gap: 8px; align-items:center; flex-wrap: wrap; margin: 10px 0; }
        .filters { display:flex; gap: 8px; align-items:center; flex-wrap: wrap; background:#fff; padding: 10px;
          border:1px solid var(--line); border-radius: 8px; }
        .filters .columns { position: relative; }
        .filters .columns label { display:block; }
        input, select, textarea { font: inherit; padding: 5px 8px; border: 1px solid #7d8998; border-radius: 4px; background:#fff; }
        textarea { width: 100%; }
        .form label { display:block; font-weight: 600; margin: 10px 0 4px; }
        .form label.inline, label.inline { display:block; font-weight: 400; margin: 6px 0; }
        .form input:not([type=checkbox]):not([type=radio]), .form select { min-width: 320px; max-width: 100%; }
        .form .tag-row { display:flex; gap: 8px; align-items:center; }
        .form .tag-row label { margin: 0; }
        .form .tag-row input { min-width: 200px !important; }
        fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 12px 0; }
        legend { font-weight: 700; }
        .help { color: var(--muted); font-size: 13px; margin: 4px 0; }
        label .help { display:block; margin-left: 22px; }
        .optional { color: var(--muted); font-weight: 400; }
        .prefixed { display:flex; align-items: stretch; }
        .prefixed .prefix { background:#eef0f2; border:1px solid #7d8998; border-right:0; border-radius: 4px 0 0 4px; padding: 5px 8px; font-family: ui-monospace, monospace; }
        .prefixed input { border-radius: 0 4px 4px 0; }
        .field-error { color: var(--danger); background:#fff1f0; border-left: 4px solid var(--danger); padding: 6px 10px; margin: 8px 0; }
        .code { font-family: ui-monospace, monospace; font-size: 12px; }
        .flash { padding: 10px 14px; border-radius: 6px; margin-bottom: 14px; border-left: 4px solid; }
        .flash.ok { background:#f2fcf3; border-color: var(--ok); }
        .flash.bad { background:#fff1f0; border-color: var(--danger); }
        table.grid { width: 100%; border-collapse: collapse; background:#fff; border: 1px solid var(--line); margin-top: 8px; }
        .grid th, .grid td { text-align:left; padding: 7px 10px; border-bottom: 1px solid #e9ebed; vertical-align: top; }
        .grid th { background:#fafafa; font-weight: 700; white-space: nowrap; }
        .grid th a { color: var(--ink); text-decoration:none; }
        .grid td.check, .grid th.check { width: 32px; }
        .grid tr:hover td { background: #f4f8fd; }
        .empty { color: var(--muted); text-align:center !important; padding: 18px !important; }
        .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; word-break: break-all; }
        .more { white-space: nowrap; }
        .grid td a.mono, .grid td.key-id { white-space: nowrap; word-break: normal; }
        .table-wrap { overflow-x: auto; }
        .status { font-weight: 600; }
        .status.enabled { color: var(--ok); } .status.disabled, .status.pending { color: var(--danger); }
        .status.other { color: var(--warn); }
        .pager { display:flex; gap: 16px; margin-top: 10px; align-items:center; }
        .crumbs { color: var(--muted); margin: 0; }
        .facts { display:grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 10px 24px; margin: 0; }
        .facts dt { color: var(--muted); font-size: 12.5px; }
        .facts dd { margin: 0; }
        .tabs { display:flex; gap: 2px; border-bottom: 2px solid var(--line); margin: 18px 0 0; flex-wrap: wrap; }
        .tabs a { padding: 8px 14px; text-decoration:none; color: var(--ink); border-bottom: 3px solid transparent; margin-bottom: -2px; }
        .tabs a.current { color: var(--accent); border-bottom-color: var(--accent); font-weight: 700; }
        .tab-body { border-top-left-radius: 0; border-top-right-radius: 0; }
        .code-block { background:#0f1b2a; color:#e9ebed; padding: 12px; border-radius: 6px; overflow:auto; max-height: 480px;
          font-family: ui-monospace, monospace; font-size: 12.5px; white-space: pre-wrap; word-break: break-all; }
        .steps { display:flex; gap: 18px; padding:0; list-style:none; color: var(--muted); }
        .steps .current { color: var(--ink); font-weight: 700; }
        .signin { max-width: 520px; margin: 40px auto; }
        .notice { background: #fffce6; border-left: 4px solid #c48f00; padding: 8px 12px; }
        .visually-hidden { position:absolute; width:1px; height:1px; overflow:hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        details > summary { cursor: pointer; color: var(--accent); }
        .inline-edit { margin-top: 10px; }
        """

    static let javaScript = """
        "use strict";
        document.addEventListener("DOMContentLoaded", function () {
          // Switching Region submits the selector's form at once.
          document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
            select.addEventListener("change", function () { select.form.submit(); });
          });
          // "Select all" check boxes in a table header.
          document.querySelectorAll("input[data-select-all]").forEach(function (all) {
            var name = all.getAttribute("data-select-all");
            all.addEventListener("change", function () {
              all.form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
                box.checked = all.checked;
              });
            });
          });
          // Copy buttons.
          document.querySelectorAll("button[data-copy]").forEach(function (button) {
            button.addEventListener("click", function () {
              var source = document.querySelector(button.getAttribute("data-copy"));
              if (source && navigator.clipboard) {
                navigator.clipboard.writeText(source.textContent.trim()).then(function () { button.textContent = "Copied"; });
              }
            });
          });
          // Shows the full alias name the console will create, since it adds the alias/ prefix.
          document.querySelectorAll("[data-alias-preview]").forEach(function (preview) {
            var input = preview.closest("form").querySelector("input[name=aliasName], input[name=alias]");
            if (!input) { return; }
            var show = function () {
              var value = input.value.trim();
              preview.textContent = value ? "The alias will be alias/" + value +
                (value.indexOf("alias/") === 0 ? " (the console adds alias/ to what you type)." : ".") : "";
            };
            input.addEventListener("input", show);
            show();
          });
        });
        """
}
