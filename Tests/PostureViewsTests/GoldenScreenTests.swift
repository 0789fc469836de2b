import XCTest
import PostureModel
@testable import PostureViews

/// Every pane at 80×24 and 160×48, and in ASCII at 80×24, against recorded plain-text goldens.
final class GoldenScreenTests: XCTestCase {
    struct Variant { var suffix: String; var width: Int; var height: Int; var ascii: Bool }
    static let variants = [Variant(suffix: "80x24", width: 80, height: 24, ascii: false),
                           Variant(suffix: "160x48", width: 160, height: 48, ascii: false),
                           Variant(suffix: "80x24-ascii", width: 80, height: 24, ascii: true)]

    /// Builds a console on a cluster, runs keys, and checks the frame in every variant.
    func check(_ name: String, cluster: String = "aks-prod-hardened", pane: PaneID = .overview, keys: [Key] = [],
               file: StaticString = #filePath, line: UInt = #line) {
        for v in Self.variants {
            let app = ConsoleApp(reader: Fixture.reader(), options: ConsoleOptions(ascii: v.ascii, initialCluster: cluster, initialPane: pane), now: Fixture.now)
            _ = app.render(width: v.width, height: v.height)   // establishes the page size, as the runner does
            for k in keys { _ = app.handle(k, now: Fixture.now) }
            assertGolden(app.render(width: v.width, height: v.height), "\(name)-\(v.suffix)", file: file, line: line)
        }
    }

    func testOverviewHardened() { check("overview-hardened") }
    func testOverviewNeglected() { check("overview-neglected", cluster: "aks-dev-neglected") }
    func testCategoryAuth() { check("category-auth-neglected", cluster: "aks-dev-neglected", pane: .category(.auth)) }
    func testCategoryNetHardened() { check("category-net-hardened", pane: .category(.net)) }
    func testCheckDetail() { check("check-ident-02-neglected", cluster: "aks-dev-neglected", pane: .check("IDENT-02")) }
    func testIdentitiesNeglected() { check("identities-neglected", cluster: "aks-dev-neglected", pane: .identities) }
    func testIdentitiesHardened() { check("identities-hardened", pane: .identities) }
    func testIdentityDetail() { check("identity-detail-neglected", cluster: "aks-dev-neglected", pane: .identities, keys: [.enter]) }
    func testNetworkNeglected() { check("network-neglected", cluster: "aks-dev-neglected", pane: .network) }
    func testNetworkHardened() { check("network-hardened", pane: .network) }
    func testNetworkItem() { check("network-item-neglected", cluster: "aks-dev-neglected", pane: .network, keys: [.enter]) }
    func testSecretsNeglected() { check("secrets-neglected", cluster: "aks-dev-neglected", pane: .secrets) }
    func testSecretsHardened() { check("secrets-hardened", pane: .secrets) }
    func testSecretItem() {
        check("secret-item-neglected", cluster: "aks-dev-neglected", pane: .secrets,
              keys: [.char("/")] + "secret shop/db-creds".map { .char($0) } + [.enter, .enter])
    }
    func testHistory() { check("history-hardened", pane: .history) }
    func testDelta() { check("delta-hardened", pane: .history, keys: [.char("d")]) }
    func testPastSnapshot() { check("past-overview-hardened", pane: .history, keys: [.char("j"), .enter]) }
    func testClusters() { check("clusters", pane: .clusters) }
    func testHelp() { check("help", pane: .help) }
    func testKioskHelp() {
        for v in Self.variants where !v.ascii {
            let app = ConsoleApp(reader: Fixture.reader(), options: ConsoleOptions(mode: .kiosk, initialPane: .help), now: Fixture.now)
            assertGolden(app.render(width: v.width, height: v.height), "help-kiosk-\(v.suffix)")
        }
    }
}
