extension ConsoleTemplates {
    static let createKey = """
        <p class="crumbs"><a href="/console/keys">Customer managed keys</a> &rsaquo; Create key</p>
        <h1>Create key</h1>
        <ol class="steps" aria-label="Steps">
          {{#steps}}<li{{#current}} aria-current="step" class="current"{{/current}}>Step {{number}}: {{label}}</li>{{/steps}}
        </ol>
        {{>fieldError}}
        <form method="post" action="/console/create" class="panel form wizard" id="create-key-form">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="step" value="{{step}}">
          {{#carried}}<input type="hidden" name="{{name}}" value="{{value}}">{{/carried}}

          {{#step1}}
          <fieldset><legend>Key type</legend>
            <label class="inline"><input type="radio" name="keyType" value="symmetric"{{#symmetric}} checked{{/symmetric}} id="type-symmetric"> Symmetric
              <span class="help">A single key used for encrypting and decrypting data or generating and verifying HMAC codes.</span></label>
            <label class="inline"><input type="radio" name="keyType" value="asymmetric"{{^symmetric}} checked{{/symmetric}} id="type-asymmetric"> Asymmetric
              <span class="help">A public and private key pair for encrypting, signing or key agreement.</span></label>
          </fieldset>
          <fieldset><legend>Key usage</legend>
            {{#usages}}<label class="inline"><input type="radio" name="keyUsage" value="{{value}}"{{#checked}} checked{{/checked}} id="usage-{{value}}"> {{label}}
              <span class="help">{{help}}</span></label>{{/usages}}
          </fieldset>
          <label for="keySpec">Key spec</label>
          <select id="keySpec" name="keySpec" aria-describedby="spec-help">
            {{#specs}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}} ({{kind}})</option>{{/specs}}
          </select>
          <p class="help" id="spec-help">The key spec must suit the key type and usage; Trent tells you if it does not.</p>
          <details{{#advancedOpen}} open{{/advancedOpen}}><summary>Advanced options</summary>
            <fieldset><legend>Key material origin</legend>
              <label class="inline"><input type="radio" name="origin" value="AWS_KMS"{{^external}} checked{{/external}}> KMS (recommended)</label>
              <label class="inline"><input type="radio" name="origin" value="EXTERNAL"{{#external}} checked{{/external}} id="origin-external"> External (import key material)</label>
            </fieldset>
            <fieldset><legend>Regionality</legend>
              <label class="inline"><input type="radio" name="multiRegion" value="no"{{^multiRegion}} checked{{/multiRegion}}> Single-Region key</label>
              <label class="inline"><input type="radio" name="multiRegion" value="yes"{{#multiRegion}} checked{{/multiRegion}} id="multi-region"> Multi-Region key</label>
            </fieldset>
          </details>
          {{/step1}}

          {{#step2}}
          <label for="wizard-alias">Alias</label>
          <div class="prefixed"><span class="prefix" aria-hidden="true">alias/</span>
            <input id="wizard-alias" name="alias" value="{{alias}}" required maxlength="250" aria-describedby="wizard-alias-help alias-preview"></div>
          <p class="help" id="wizard-alias-help">Required in the console. Type the name without <code>alias/</code>.</p>
          <p class="help" id="alias-preview" data-alias-preview aria-live="polite"></p>
          <label for="wizard-description">Description <span class="optional">(optional)</span></label>
          <textarea id="wizard-description" name="description" rows="2" maxlength="8192">{{description}}</textarea>
          <fieldset><legend>Tags <span class="optional">(optional)</span></legend>
            {{#tagRows}}<div class="tag-row"><label for="tag-key-{{index}}">Tag key</label><input id="tag-key-{{index}}" name="tagKey" value="{{key}}" maxlength="128">
              <label for="tag-value-{{index}}">Tag value</label><input id="tag-value-{{index}}" name="tagValue" value="{{value}}" maxlength="256"></div>{{/tagRows}}
          </fieldset>
          {{/step2}}

          {{#step3}}
          <fieldset><legend>Key administrators</legend>
            <p class="help">Principals who can manage this key (not use it). One ARN per line.</p>
            {{#known}}<label class="inline"><input type="checkbox" name="adminPick" value="{{arn}}"{{#admin}} checked{{/admin}}> {{arn}}</label>{{/known}}
            <label for="admins">Administrator ARNs</label>
            <textarea id="admins" name="admins" rows="3" class="mono">{{admins}}</textarea>
            <label class="inline"><input type="checkbox" name="allowDelete" value="yes"{{#allowDelete}} checked{{/allowDelete}}> Allow key administrators to delete this key</label>
          </fieldset>
          <fieldset><legend>Key users</legend>
            <p class="help">Principals who can use this key in cryptographic operations. One ARN per line.</p>
            {{#known}}<label class="inline"><input type="checkbox" name="userPick" value="{{arn}}"{{#user}} checked{{/user}}> {{arn}}</label>{{/known}}
            <label for="users">User ARNs</label>
            <textarea id="users" name="users" rows="3" class="mono">{{users}}</textarea>
          </fieldset>
          {{/step3}}

          {{#step4}}
          <h2>Review</h2>
          <dl class="facts">{{#summary}}<div><dt>{{name}}</dt><dd>{{value}}</dd></div>{{/summary}}</dl>
          <label for="wizard-policy">Key policy (you can edit it before the key is created)</label>
          <textarea id="wizard-policy" name="policy" rows="22" class="mono" spellcheck="false">{{policy}}</textarea>
          {{/step4}}

          <div class="buttons">
            <a class="button" href="/console/keys">Cancel</a>
            {{#hasPrevious}}<button type="submit" name="go" value="back" formnovalidate>Previous</button>{{/hasPrevious}}
            {{^last}}<button type="submit" name="go" value="next" class="primary" id="wizard-next">Next</button>{{/last}}
            {{#last}}<button type="submit" name="go" value="finish" class="primary" id="wizard-finish">Finish</button>{{/last}}
          </div>
        </form>
        """
}
