extension ConsoleTemplates {
    static let keyDetail = """
        <p class="crumbs"><a href="{{listHref}}">{{listName}}</a> &rsaquo; <span class="mono">{{key.keyID}}</span></p>
        <div class="page-head"><h1>{{key.title}}</h1></div>
        {{>fieldError}}
        <section class="panel" aria-labelledby="general-heading">
          <h2 id="general-heading">General configuration</h2>
          <dl class="facts">
            <div><dt>Alias</dt><dd>{{#key.alias}}{{key.alias}}{{/key.alias}}{{^key.alias}}-{{/key.alias}}</dd></div>
            <div><dt>Status</dt><dd><span class="status {{key.statusClass}}" id="key-status">{{key.status}}</span></dd></div>
            <div><dt>Creation date</dt><dd>{{key.created}}</dd></div>
            <div><dt>ARN</dt><dd class="mono"><span id="key-arn">{{key.arn}}</span>
              <button type="button" class="small" data-copy="#key-arn">Copy</button></dd></div>
            <div><dt>Description</dt><dd>{{#key.description}}{{key.description}}{{/key.description}}{{^key.description}}-{{/key.description}}</dd></div>
            <div><dt>Regionality</dt><dd>{{key.regionality}}</dd></div>
            {{#key.deletionDate}}<div><dt>Scheduled deletion date</dt><dd id="deletion-date">{{key.deletionDate}}</dd></div>{{/key.deletionDate}}
          </dl>
          {{#customer}}
          <div class="buttons" role="group" aria-label="Key actions">
            <form method="post" action="/console/keys/actions">
              <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="key" value="{{key.keyID}}">
              <input type="hidden" name="back" value="{{key.href}}">
              {{#key.canEnable}}<button type="submit" name="action" value="enable" id="enable-key">Enable</button>{{/key.canEnable}}
              {{#key.canDisable}}<button type="submit" name="action" value="disable" id="disable-key">Disable</button>{{/key.canDisable}}
              {{#key.canSchedule}}<button type="submit" name="action" value="schedule-deletion" id="schedule-key-deletion">Schedule key deletion</button>{{/key.canSchedule}}
              {{#key.canCancel}}<button type="submit" name="action" value="cancel-deletion" id="cancel-key-deletion">Cancel key deletion</button>{{/key.canCancel}}
            </form>
          </div>
          <details class="inline-edit"><summary>Edit description</summary>
            <form method="post" action="{{key.href}}/description" class="form">
              <input type="hidden" name="csrf" value="{{csrf}}">
              <label for="description">Description</label>
              <textarea id="description" name="description" rows="2" maxlength="8192">{{key.description}}</textarea>
              <button type="submit">Save description</button>
            </form>
          </details>
          {{/customer}}
        </section>

        <nav class="tabs" aria-label="Key details">
          {{#tabs}}<a href="{{href}}" id="tab-{{id}}"{{#current}} aria-current="page" class="current"{{/current}}>{{label}}</a>{{/tabs}}
        </nav>

        <section class="panel tab-body" id="tab-panel">
        {{#policyTab}}
          <h2>Key policy</h2>
          {{#editing}}
          <form method="post" action="{{key.href}}/policy#tab-panel" class="form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="policy">Policy document (JSON)</label>
            {{>fieldError}}
            <textarea id="policy" name="policy" rows="24" class="mono" spellcheck="false">{{policy}}</textarea>
            <div class="buttons"><a class="button" href="{{key.href}}?tab=policy">Cancel</a>
              <button type="submit" class="primary" id="save-policy">Save changes</button></div>
          </form>
          {{/editing}}
          {{^editing}}
          {{#customer}}<p><a class="button" href="{{key.href}}?tab=policy&amp;edit=1" id="edit-policy">Edit</a></p>{{/customer}}
          <pre class="code-block" id="policy-text">{{policy}}</pre>
          {{/editing}}
        {{/policyTab}}

        {{#cryptoTab}}
          <h2>Cryptographic configuration</h2>
          <dl class="facts">
            <div><dt>Key type</dt><dd>{{keyType}}</dd></div>
            <div><dt>Key spec</dt><dd>{{spec}}</dd></div>
            <div><dt>Key usage</dt><dd>{{usage}}</dd></div>
            <div><dt>Origin</dt><dd>{{origin}}</dd></div>
            {{#encryption}}<div><dt>Encryption algorithms</dt><dd>{{encryption}}</dd></div>{{/encryption}}
            {{#signing}}<div><dt>Signing algorithms</dt><dd>{{signing}}</dd></div>{{/signing}}
            {{#mac}}<div><dt>MAC algorithms</dt><dd>{{mac}}</dd></div>{{/mac}}
            {{#agreement}}<div><dt>Key agreement algorithms</dt><dd>{{agreement}}</dd></div>{{/agreement}}
          </dl>
          {{#publicKey}}
          <h3>Public key</h3>
          <pre class="code-block" id="public-key">{{publicKey}}</pre>
          <p><button type="button" data-copy="#public-key">Copy</button>
            <a class="button" href="{{key.href}}/public-key.pem" download>Download</a></p>
          {{/publicKey}}
        {{/cryptoTab}}

        {{#tagsTab}}
          <h2>Tags</h2>
          {{#customer}}
          <form method="post" action="{{key.href}}/tags#tab-panel" class="form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            {{>fieldError}}
            <table class="grid" id="tags-table">
              <thead><tr><th scope="col">Tag key</th><th scope="col">Tag value</th><th scope="col">Remove</th></tr></thead>
              <tbody>
                {{#tags}}<tr><td class="mono">{{key}}<input type="hidden" name="tagKey" value="{{key}}"></td>
                  <td><label class="visually-hidden" for="tv-{{index}}">Value of {{key}}</label>
                    <input id="tv-{{index}}" name="tagValue" value="{{value}}" maxlength="256"></td>
                  <td><label><input type="checkbox" name="remove" value="{{key}}"> Remove</label></td></tr>{{/tags}}
                <tr><td><label class="visually-hidden" for="new-tag-key">New tag key</label>
                  <input id="new-tag-key" name="newKey" maxlength="128" placeholder="New tag key"></td>
                  <td><label class="visually-hidden" for="new-tag-value">New tag value</label>
                  <input id="new-tag-value" name="newValue" maxlength="256" placeholder="Value"></td><td></td></tr>
              </tbody>
            </table>
            <button type="submit" class="primary" id="save-tags">Save tags</button>
          </form>
          {{/customer}}
          {{^customer}}
          <table class="grid"><thead><tr><th>Tag key</th><th>Tag value</th></tr></thead><tbody>
            {{#tags}}<tr><td>{{key}}</td><td>{{value}}</td></tr>{{/tags}}{{^tags}}<tr><td colspan="2" class="empty">No tags.</td></tr>{{/tags}}
          </tbody></table>
          {{/customer}}
        {{/tagsTab}}

        {{#rotationTab}}
          <h2>Key rotation</h2>
          {{>fieldError}}
          {{#unsupported}}<p>{{unsupported}}</p>{{/unsupported}}
          {{^unsupported}}
          <dl class="facts">
            <div><dt>Automatic rotation</dt><dd id="rotation-status">{{#enabled}}Enabled{{/enabled}}{{^enabled}}Disabled{{/enabled}}</dd></div>
            {{#period}}<div><dt>Rotation period</dt><dd>{{period}} days</dd></div>{{/period}}
            {{#nextRotation}}<div><dt>Next rotation date</dt><dd>{{nextRotation}}</dd></div>{{/nextRotation}}
          </dl>
          {{#customer}}
          <form method="post" action="{{key.href}}/rotation#tab-panel" class="form inline-form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label class="inline"><input type="checkbox" name="enabled" value="yes"{{#enabled}} checked{{/enabled}} id="rotation-enabled"> Automatically rotate this KMS key</label>
            <label for="period">Rotation period (90 to 2560 days)</label>
            <input id="period" name="period" type="number" min="90" max="2560" value="{{periodOrDefault}}">
            <button type="submit" name="do" value="save" id="save-rotation">Save</button>
            <button type="submit" name="do" value="rotate-now" id="rotate-now">Rotate now</button>
          </form>
          {{/customer}}
          <h3>Rotation history</h3>
          <table class="grid" id="rotations-table"><thead><tr><th scope="col">Date</th><th scope="col">Type</th><th scope="col">Key material ID</th></tr></thead>
            <tbody>{{#rotations}}<tr><td>{{date}}</td><td>{{type}}</td><td class="mono">{{material}}</td></tr>{{/rotations}}
            {{^rotations}}<tr><td colspan="3" class="empty">This key has not been rotated.</td></tr>{{/rotations}}</tbody></table>
          {{/unsupported}}
        {{/rotationTab}}

        {{#aliasesTab}}
          <h2>Aliases <span class="count">({{count}})</span></h2>
          {{^customer}}<p>You cannot manage aliases for AWS managed keys.</p>{{/customer}}
          {{#customer}}
          <form method="post" action="{{key.href}}/aliases/delete#tab-panel" id="delete-aliases">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <div class="actions"><button type="submit" class="danger" id="delete-selected-aliases">Delete</button>
              <span class="help">Select one or more aliases, then Delete. You cannot update an alias in the console:
              delete it and create another.</span></div>
          {{/customer}}
            <table class="grid" id="aliases-table">
              <thead><tr>{{#customer}}<th class="check"><input type="checkbox" data-select-all="alias" aria-label="Select all aliases"></th>{{/customer}}
                <th scope="col">Alias name</th><th scope="col">Alias ARN</th></tr></thead>
              <tbody>
                {{#aliases}}<tr>{{#customer}}<td class="check"><input type="checkbox" name="alias" value="{{name}}" aria-label="Select {{name}}"></td>{{/customer}}
                  <td>{{name}}</td><td class="mono">{{arn}}</td></tr>{{/aliases}}
                {{^aliases}}<tr><td colspan="3" class="empty">This key has no aliases.</td></tr>{{/aliases}}
              </tbody>
            </table>
          {{#customer}}
          </form>
          <form method="post" action="{{key.href}}/aliases#create-alias-form" class="form panel-inner" id="create-alias-form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <h3>Create alias</h3>
            <label for="alias-name">Alias name</label>
            <div class="prefixed"><span class="prefix" aria-hidden="true">alias/</span>
              <input id="alias-name" name="aliasName" value="{{typed}}" maxlength="250" required
                aria-describedby="alias-help alias-preview"{{#error}} aria-invalid="true"{{/error}}></div>
            {{>fieldError}}
            <p class="help" id="alias-help">Type the name without the <code>alias/</code> prefix: the console adds it.
              Typing <code>alias/ExampleAlias</code> creates <code>alias/alias/ExampleAlias</code>. Letters, numbers,
              slashes (/), underscores (_) and dashes (-); not beginning with <code>aws/</code>, which is reserved.</p>
            <p class="help" id="alias-preview" data-alias-preview aria-live="polite"></p>
            <button type="submit" class="primary" id="create-alias">Create alias</button>
          </form>
          {{/customer}}
        {{/aliasesTab}}

        {{#grantsTab}}
          <h2>Grants <span class="count">({{count}})</span></h2>
          {{>fieldError}}
          <table class="grid" id="grants-table">
            <thead><tr><th scope="col">Grant ID</th><th scope="col">Name</th><th scope="col">Grantee principal</th>
              <th scope="col">Operations</th><th scope="col">Retiring principal</th><th scope="col">Created</th>{{#customer}}<th scope="col"></th>{{/customer}}</tr></thead>
            <tbody>
              {{#grants}}<tr><td class="mono">{{id}}</td><td>{{name}}</td><td class="mono">{{grantee}}</td><td>{{operations}}</td>
                <td class="mono">{{retiring}}</td><td>{{created}}</td>
                {{#customer}}<td><form method="post" action="{{key.href}}/grants/revoke#tab-panel"><input type="hidden" name="csrf" value="{{csrf}}">
                  <input type="hidden" name="grantId" value="{{id}}"><button type="submit" class="small danger">Revoke</button></form></td>{{/customer}}</tr>{{/grants}}
              {{^grants}}<tr><td colspan="7" class="empty">No grants. Grants are created through the API (CreateGrant).</td></tr>{{/grants}}
            </tbody>
          </table>
        {{/grantsTab}}

        {{#regionalityTab}}
          <h2>Regionality</h2>
          <dl class="facts">
            <div><dt>Multi-Region key type</dt><dd>{{role}}</dd></div>
            <div><dt>Primary key</dt><dd class="mono">{{primary}}</dd></div>
          </dl>
          <h3>Replica keys</h3>
          <ul class="mono">{{#replicas}}<li>{{.}}</li>{{/replicas}}{{^replicas}}<li>None</li>{{/replicas}}</ul>
          <p class="help">Switch the Region in the upper-right corner to manage a replica.</p>
        {{/regionalityTab}}

        {{#useTab}}
          <h2>Use this key</h2>
          <p class="help">Runs the same operation an SDK would call, as you. What you type here and what the key
          returns are shown once on this page and never stored or logged.</p>
          {{>fieldError}}
          {{#result}}<div class="result panel-inner" role="status"><h3>{{label}}</h3>
            {{#fields}}<p><strong>{{name}}</strong></p><pre class="code-block result-value" id="result-{{id}}">{{value}}</pre>{{/fields}}</div>{{/result}}
          {{#encrypt}}
          <form method="post" action="{{key.href}}/use#tab-panel" class="form panel-inner">
            <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="op" value="encrypt">
            <h3>Encrypt</h3>
            <label for="plaintext">Plaintext (text, up to 4096 bytes)</label>
            <textarea id="plaintext" name="plaintext" rows="3" autocomplete="off"></textarea>
            {{#hasAlgorithms}}<label for="enc-alg">Encryption algorithm</label>
            <select id="enc-alg" name="algorithm">{{#algorithms}}<option>{{.}}</option>{{/algorithms}}</select>{{/hasAlgorithms}}
            <label for="enc-context">Encryption context (one key=value per line)</label>
            <textarea id="enc-context" name="context" rows="2" class="mono"></textarea>
            <button type="submit" id="encrypt">Encrypt</button>
          </form>
          <form method="post" action="{{key.href}}/use#tab-panel" class="form panel-inner">
            <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="op" value="decrypt">
            <h3>Decrypt</h3>
            <label for="ciphertext">Ciphertext (base64)</label>
            <textarea id="ciphertext" name="ciphertext" rows="3" class="mono"></textarea>
            {{#hasAlgorithms}}<label for="dec-alg">Encryption algorithm</label>
            <select id="dec-alg" name="algorithm">{{#algorithms}}<option>{{.}}</option>{{/algorithms}}</select>{{/hasAlgorithms}}
            <label for="dec-context">Encryption context (one key=value per line)</label>
            <textarea id="dec-context" name="context" rows="2" class="mono"></textarea>
            <button type="submit" id="decrypt">Decrypt</button>
          </form>
          {{#symmetric}}
          <form method="post" action="{{key.href}}/use#tab-panel" class="form panel-inner">
            <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="op" value="data-key">
            <h3>Generate data key</h3>
            <label for="dk-spec">Data key spec</label>
            <select id="dk-spec" name="spec"><option>AES_256</option><option>AES_128</option></select>
            <button type="submit" id="generate-data-key">Generate data key</button>
          </form>
          {{/symmetric}}
          {{/encrypt}}
          {{#sign}}
          <form method="post" action="{{key.href}}/use#tab-panel" class="form panel-inner">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <h3>Sign and verify</h3>
            <label for="message">Message (text)</label>
            <textarea id="message" name="message" rows="3"></textarea>
            <label for="sign-alg">Signing algorithm</label>
            <select id="sign-alg" name="algorithm">{{#algorithms}}<option>{{.}}</option>{{/algorithms}}</select>
            <label for="signature">Signature (base64, for Verify)</label>
            <textarea id="signature" name="signature" rows="2" class="mono"></textarea>
            <button type="submit" name="op" value="sign" id="sign">Sign</button>
            <button type="submit" name="op" value="verify" id="verify">Verify</button>
          </form>
          {{/sign}}
          {{#mac}}
          <form method="post" action="{{key.href}}/use#tab-panel" class="form panel-inner">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <h3>Generate and verify a MAC</h3>
            <label for="mac-message">Message (text)</label>
            <textarea id="mac-message" name="message" rows="3"></textarea>
            <label for="mac-alg">MAC algorithm</label>
            <select id="mac-alg" name="algorithm">{{#algorithms}}<option>{{.}}</option>{{/algorithms}}</select>
            <label for="mac-value">MAC (base64, for Verify)</label>
            <textarea id="mac-value" name="mac" rows="2" class="mono"></textarea>
            <button type="submit" name="op" value="generate-mac" id="generate-mac">Generate MAC</button>
            <button type="submit" name="op" value="verify-mac" id="verify-mac">Verify MAC</button>
          </form>
          {{/mac}}
          {{#agreement}}<p>Key agreement keys derive shared secrets with a peer's public key: call DeriveSharedSecret
          through the API.</p>{{/agreement}}
        {{/useTab}}

        {{#activityTab}}
          <h2>Activity</h2>
          <dl class="facts">
            <div><dt>Last used</dt><dd id="last-used">{{#lastUsed}}{{lastUsed}}{{/lastUsed}}{{^lastUsed}}Not used since tracking began{{/lastUsed}}</dd></div>
            {{#lastOperation}}<div><dt>Last operation</dt><dd>{{lastOperation}}</dd></div>{{/lastOperation}}
            {{#trackingStart}}<div><dt>Tracking since</dt><dd>{{trackingStart}}</dd></div>{{/trackingStart}}
          </dl>
          <h3>Latest audit records</h3>
          {{^auditEnabled}}<p class="help">Start Trent with <code>--audit-log FILE</code> to see the key's audit records here.</p>{{/auditEnabled}}
          {{#auditEnabled}}
          <table class="grid" id="audit-table"><thead><tr><th scope="col">Time</th><th scope="col">Event</th>
            <th scope="col">User</th><th scope="col">User agent</th><th scope="col">Error</th></tr></thead>
            <tbody>{{#records}}<tr><td>{{time}}</td><td>{{event}}</td><td class="mono">{{user}}</td><td>{{agent}}</td><td>{{error}}</td></tr>{{/records}}
            {{^records}}<tr><td colspan="5" class="empty">No records of this key in the audit log.</td></tr>{{/records}}</tbody></table>
          {{/auditEnabled}}
        {{/activityTab}}
        </section>
        """
}
