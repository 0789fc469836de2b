import ArgumentParser
import PostureModel
import PostureScoring

/// `aksposture checks`: the catalog, so an operator can see what is scored and from which data
/// before trusting a number (kubescape's `list controls`, Popeye's codes).
struct ChecksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checks",
        abstract: "List the posture checks: id, severity, title and the bundle data each needs.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this category: auth, ident, net, sec or hard.") var category: String?
    @Option(help: "Output format: text or markdown.") var format: ChecksFormat = .text
    @Argument(help: "Show one check in full (e.g. AUTH-01).") var id: String?

    enum ChecksFormat: String, ExpressibleByArgument, CaseIterable { case text, markdown }

    func run() throws {
        if let id {
            guard let c = CheckCatalog.definition(id.uppercased()) else { throw CLIError("no check '\(id)'; see `aksposture checks`") }
            print("\(c.id)  \(c.title)")
            print("category  \(c.category.rawValue) (\(c.category.title))\nseverity  \(c.severity.rawValue)")
            print("needs     \(sources(c))")
            print("\nwhy it matters\n  \(c.rationale)\n\nremediation\n  \(c.remediation)")
            if !c.references.isEmpty { print("\nreferences\n  " + c.references.joined(separator: "\n  ")) }
            return
        }
        var checks = CheckCatalog.all
        if let category {
            guard let cat = Category.allCases.first(where: { $0.rawValue.lowercased() == category.lowercased() }) else {
                throw ValidationError("unknown category '\(category)' (auth, ident, net, sec, hard)")
            }
            checks = checks.filter { $0.category == cat }
        }
        switch format {
        case .text:
            for c in checks {
                let sev = c.severity.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                print("\(c.id.padding(toLength: 9, withPad: " ", startingAt: 0)) \(sev) \(c.title)  [\(sources(c))]")
            }
        case .markdown:
            print("| id | severity | check | needs |\n|---|---|---|---|")
            for c in checks {
                print("| \(c.id) | \(c.severity.rawValue) | \(c.title.replacingOccurrences(of: "|", with: "\\|")) | \(sources(c).replacingOccurrences(of: "|", with: "\\|")) |")
            }
        }
    }

    private func sources(_ c: CheckDefinition) -> String {
        var parts = c.dataSources.map(\.description)
        if !c.optionalDataSources.isEmpty { parts.append("optional: " + c.optionalDataSources.map(\.description).joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }
}
