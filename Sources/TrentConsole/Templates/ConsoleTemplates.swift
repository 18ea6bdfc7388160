import Mustache

/// Every page's template, compiled into the binary (no file is read at run time). `{{x}}` escapes HTML;
/// `{{{x}}}` is used only for HTML the console rendered itself.
enum ConsoleTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        let all: [(String, String)] = [
            ("layout", layout), ("signin", signIn), ("keys", keysTable), ("scheduleDeletion", scheduleDeletion),
            ("awsKeys", awsKeys), ("customKeyStores", customKeyStores), ("key", keyDetail),
            ("createKey", createKey), ("message", message), ("fieldError", fieldError),
        ]
        for (name, text) in all {
            do {
                try library.register(text, named: name)
            } catch {
                fatalError("console template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    static func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name) ?? ""
    }

    static let fieldError = """
        {{#error}}<p class="field-error" role="alert"><strong>{{title}}</strong> {{text}}{{#code}} <span class="code">({{code}})</span>{{/code}}</p>{{/error}}
        """

    static let layout = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} | Trent console</title>
        <link rel="stylesheet" href="/console/assets/console.css">
        <script src="/console/assets/console.js" defer></script>
        </head>
        <body>
        <header class="top">
          <a class="brand" href="/console/keys">Trent <span>Key Management Service</span></a>
          {{#signedIn}}
          <div class="top-right">
            <form method="post" action="/console/region" class="region-form">
              <input type="hidden" name="csrf" value="{{csrf}}">
              <input type="hidden" name="back" value="{{back}}">
              <label for="region-select">Region</label>
              <select id="region-select" name="region" data-autosubmit>
                {{#regions}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/regions}}
              </select>
              <noscript><button type="submit" class="small">Switch</button></noscript>
            </form>
            <span class="who" title="{{principal}}">{{principalShort}} @ {{account}}</span>
            <form method="post" action="/console/signout">
              <input type="hidden" name="csrf" value="{{csrf}}">
              <button type="submit" class="link-button" id="sign-out">Sign out</button>
            </form>
          </div>
          {{/signedIn}}
        </header>
        <div class="frame">
          {{#signedIn}}
          <nav class="side" aria-label="Navigation">
            <h2>Key Management Service</h2>
            <ul>
              <li><a href="/console/aws-keys"{{#navAWS}} aria-current="page"{{/navAWS}}>AWS managed keys</a></li>
              <li><a href="/console/keys"{{#navCustomer}} aria-current="page"{{/navCustomer}}>Customer managed keys</a></li>
              <li><a href="/console/custom-key-stores"{{#navStores}} aria-current="page"{{/navStores}}>Custom key stores</a></li>
            </ul>
            <p class="side-note">{{modeNote}}</p>
          </nav>
          {{/signedIn}}
          <main id="main">
            {{#flash}}<div class="flash {{#success}}ok{{/success}}{{^success}}bad{{/success}}" role="status">{{text}}</div>{{/flash}}
            {{{body}}}
          </main>
        </div>
        </body>
        </html>
        """

    static let message = """
        <h1>{{heading}}</h1>
        <div class="panel"><p>{{text}}</p>{{#code}}<p class="code">{{code}}</p>{{/code}}
        <p><a href="{{link}}">{{linkText}}</a></p></div>
        """

    static let signIn = """
        <div class="signin">
          <h1>Sign in to the Trent console</h1>
          {{#development}}
          <p class="notice">Development mode (<code>--auth none</code>): the console acts as the root user of the account you
          choose. Anyone who can reach this port can do the same.</p>
          {{/development}}
          {{>fieldError}}
          <form method="post" action="/console/signin" class="panel form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            {{#development}}
            <label for="account">Account ID</label>
            <input id="account" name="account" value="{{account}}" inputmode="numeric" pattern="[0-9]{12}" required
              aria-describedby="account-help">
            <p class="help" id="account-help">Twelve digits. Each account has its own keys and aliases.</p>
            {{/development}}
            {{^development}}
            <label for="accessKeyId">Access key ID</label>
            <input id="accessKeyId" name="accessKeyId" autocomplete="username" required value="{{accessKeyId}}">
            <label for="secretAccessKey">Secret access key</label>
            <input id="secretAccessKey" name="secretAccessKey" type="password" autocomplete="current-password" required>
            <label for="sessionToken">Session token <span class="optional">(temporary credentials only)</span></label>
            <input id="sessionToken" name="sessionToken" type="password" autocomplete="off">
            <p class="help">The credentials of Trent's credentials file. The secret is checked here and never kept
            in your browser.</p>
            {{/development}}
            <label for="signin-region">Region</label>
            <select id="signin-region" name="region">
              {{#regions}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/regions}}
            </select>
            <button type="submit" class="primary" id="sign-in">Sign in</button>
          </form>
        </div>
        """
}
