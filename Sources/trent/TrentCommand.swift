import ArgumentParser

@main
struct TrentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trent",
        abstract: "A key management server that speaks the AWS KMS API.",
        subcommands: [Serve.self, Export.self, Rekey.self, Migrate.self, Backup.self, Operations.self, BenchmarkCrypto.self],
        defaultSubcommand: Serve.self)
}
