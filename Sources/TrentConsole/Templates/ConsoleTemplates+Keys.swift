extension ConsoleTemplates {
    static let keysTable = """
        <div class="page-head">
          <h1>Customer managed keys <span class="count">({{total}})</span></h1>
          <a class="button primary" href="/console/create" id="create-key">Create key</a>
        </div>
        {{>fieldError}}
        <form method="get" action="/console/keys" class="filters" role="search">
          <label for="q" class="visually-hidden">Search</label>
          <input id="q" name="q" type="search" value="{{q}}" placeholder="Search by alias, key ID, description or tag"
            size="44">
          <label for="state">Status</label>
          <select id="state" name="state">{{#states}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/states}}</select>
          <label for="type">Key type</label>
          <select id="type" name="type">{{#types}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/types}}</select>
          <label for="size">Per page</label>
          <select id="size" name="size">{{#sizes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/sizes}}</select>
          <details class="columns">
            <summary>Columns</summary>
            {{#optionalColumns}}
            <label><input type="checkbox" name="col" value="{{value}}"{{#checked}} checked{{/checked}}> {{label}}</label>
            {{/optionalColumns}}
          </details>
          <input type="hidden" name="sort" value="{{sort}}"><input type="hidden" name="dir" value="{{dir}}">
          <button type="submit">Apply</button>
          {{#filtered}}<a href="/console/keys">Clear filters</a>{{/filtered}}
        </form>
        <form method="post" action="/console/keys/actions" id="key-actions">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <div class="actions" role="group" aria-label="Key actions">
            <span>Key actions for the selected keys:</span>
            <button type="submit" name="action" value="enable">Enable</button>
            <button type="submit" name="action" value="disable">Disable</button>
            <button type="submit" name="action" value="schedule-deletion">Schedule key deletion</button>
            <button type="submit" name="action" value="cancel-deletion">Cancel key deletion</button>
          </div>
          <div class="table-wrap">
          <table class="grid" id="keys-table">
            <thead><tr>
              <th class="check"><input type="checkbox" data-select-all="key" aria-label="Select all keys on this page"></th>
              {{#headers}}<th scope="col"{{#sorted}} aria-sort="{{sorted}}"{{/sorted}}><a href="{{href}}">{{label}}{{#arrow}} {{arrow}}{{/arrow}}</a></th>{{/headers}}
            </tr></thead>
            <tbody>
              {{#keys}}
              <tr>
                <td class="check"><input type="checkbox" name="key" value="{{keyID}}" aria-label="Select key {{keyID}}"></td>
                <td>{{#alias}}<a href="{{href}}">{{alias}}</a>{{/alias}}{{^alias}}-{{/alias}}{{#more}} <a class="more" href="{{moreHref}}">(+{{more}} more)</a>{{/more}}</td>
                <td><a href="{{href}}" class="mono">{{keyID}}</a></td>
                <td><span class="status {{statusClass}}">{{status}}</span></td>
                <td>{{keyType}}</td>
                <td>{{spec}}</td>
                <td>{{usage}}</td>
                {{#showDescription}}<td>{{description}}</td>{{/showDescription}}
                {{#showCreated}}<td>{{created}}</td>{{/showCreated}}
                {{#showOrigin}}<td>{{origin}}</td>{{/showOrigin}}
                {{#showRegionality}}<td>{{regionality}}</td>{{/showRegionality}}
              </tr>
              {{/keys}}
              {{^keys}}<tr><td colspan="{{columnCount}}" class="empty">{{emptyText}}</td></tr>{{/keys}}
            </tbody>
          </table>
          </div>
        </form>
        <nav class="pager" aria-label="Pages">
          <span>{{pageInfo}}</span>
          {{#previous}}<a href="{{previous}}" rel="prev">&larr; Previous</a>{{/previous}}
          {{#next}}<a href="{{next}}" rel="next">Next &rarr;</a>{{/next}}
        </nav>
        """

    static let scheduleDeletion = """
        <h1>Schedule key deletion</h1>
        <div class="panel warning">
          <p><strong>Deleting a KMS key is destructive and potentially dangerous.</strong> After the waiting period the
          key material and all metadata of the key are deleted and cannot be recovered. Data encrypted under the key
          can no longer be decrypted: it becomes unrecoverable. During the waiting period the key cannot be used, and
          you can cancel the deletion.</p>
          <p>Keys to be deleted:</p>
          <ul class="mono">{{#keys}}<li>{{label}}</li>{{/keys}}</ul>
        </div>
        {{>fieldError}}
        <form method="post" action="/console/keys/schedule-deletion" class="panel form">
          <input type="hidden" name="csrf" value="{{csrf}}">
          {{#keys}}<input type="hidden" name="key" value="{{keyID}}">{{/keys}}
          <label for="days">Waiting period (in days)</label>
          <input id="days" name="days" type="number" min="7" max="30" value="{{days}}" required aria-describedby="days-help">
          <p class="help" id="days-help">Enter a waiting period between 7 and 30 days.</p>
          <label class="inline"><input type="checkbox" name="confirm" value="yes" id="confirm-deletion" required>
            Confirm that you want to schedule {{count}} key(s) for deletion after the waiting period.</label>
          <div class="buttons">
            <a class="button" href="/console/keys">Cancel</a>
            <button type="submit" class="danger" id="schedule">Schedule deletion</button>
          </div>
        </form>
        """

    static let awsKeys = """
        <div class="page-head"><h1>AWS managed keys <span class="count">({{total}})</span></h1></div>
        <p class="help">AWS managed keys are created for AWS services on their first use, one per service, with an
        alias <code>aws/&lt;service&gt;</code>. You cannot manage their aliases, policies or state.</p>
        {{>fieldError}}
        <table class="grid" id="aws-keys-table">
          <thead><tr><th scope="col">Aliases</th><th scope="col">Key ID</th><th scope="col">Status</th>
            <th scope="col">Creation date</th></tr></thead>
          <tbody>
            {{#keys}}<tr><td>{{alias}}</td><td><a class="mono" href="{{href}}">{{keyID}}</a></td>
              <td><span class="status {{statusClass}}">{{status}}</span></td><td>{{created}}</td></tr>{{/keys}}
            {{^keys}}<tr><td colspan="4" class="empty">No AWS managed keys in this account and Region yet.</td></tr>{{/keys}}
          </tbody>
        </table>
        """

    static let customKeyStores = """
        <div class="page-head"><h1>Custom key stores <span class="count">({{total}})</span></h1></div>
        <p class="help">A custom key store keeps key material in an AWS CloudHSM cluster or an external key manager.
        Trent reaches neither yet: custom key stores are created and managed through the API, which explains why a
        store cannot be created.</p>
        {{>fieldError}}
        <table class="grid" id="stores-table">
          <thead><tr><th scope="col">Name</th><th scope="col">ID</th><th scope="col">Type</th>
            <th scope="col">Connection state</th><th scope="col">Creation date</th></tr></thead>
          <tbody>
            {{#stores}}<tr><td>{{name}}</td><td class="mono">{{id}}</td><td>{{type}}</td><td>{{state}}</td><td>{{created}}</td></tr>{{/stores}}
            {{^stores}}<tr><td colspan="5" class="empty">No custom key stores in this account and Region.</td></tr>{{/stores}}
          </tbody>
        </table>
        """
}
