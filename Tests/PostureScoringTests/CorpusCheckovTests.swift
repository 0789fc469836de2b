import Foundation
import XCTest
import PostureModel
import PostureImport
@testable import PostureScoring

/// Real public examples from the shared corpus, imported with `DocumentImporter` and scored.
/// Where checkov's ARM checks look at the same property, our verdict must agree with checkov's,
/// except for the deliberate differences pinned in `CheckovDifferenceTests`.
final class CorpusCheckovTests: XCTestCase {
    struct Scored {
        var label: String
        var body: [String: Any]
        var report: ScoreReport
    }

    func scoredClusters() throws -> [Scored] {
        guard let root = Corpus.root() else {
            throw XCTSkip("corpus not found (set AKSPOSTURE_CORPUS or place it at ../shared/corpus); 0 corpus files read, all ManagedCluster examples skipped")
        }
        let files = Corpus.files(in: root, where: Corpus.isManagedClusterFile)
        guard !files.isEmpty else { throw XCTSkip("corpus at \(root.path) holds no ManagedCluster examples; 0 files compared") }
        var out: [Scored] = []
        for file in files {
            for (label, body) in try Corpus.clusterBodies(in: root.appendingPathComponent(file)) {
                let data = try JSONSerialization.data(withJSONObject: body)
                let cluster: ManagedCluster
                do { cluster = try DocumentImporter.cluster(from: data, file: file) } catch {
                    XCTFail("\(file) \(label): import failed: \(error)"); continue
                }
                let s = Snapshot(collection: CollectionInfo(collectedAt: testNow), cluster: cluster)
                out.append(Scored(label: "\(file) \(label)", body: body, report: PostureScorer().score(s, now: testNow)))
            }
        }
        return out
    }

    func testEveryCorpusClusterScores() throws {
        let all = try scoredClusters()
        XCTAssertGreaterThan(all.count, 10)
        for s in all {
            XCTAssertEqual(s.report.findings.count, 62, s.label)
            for f in s.report.findings where f.status.isScored {
                XCTAssertNotNil(f.credit, "\(s.label) \(f.checkID)")
            }
            XCTAssertTrue((0...100).contains(s.report.overall.score), s.label)
        }
    }

    func testAgreementWithCheckovOnCorpusClusters() throws {
        var compared: [String: Int] = [:]
        for s in try scoredClusters() {
            let r = s.report, b = s.body
            func status(_ id: String) -> CheckStatus { r.finding(id)!.status }

            // CKV_AZURE_5 ↔ AUTH-03: same pass set.
            XCTAssertEqual(Checkov.ckv5(b), status("AUTH-03") == .pass, "CKV_AZURE_5 \(s.label)")
            compared["CKV_AZURE_5", default: 0] += 1
            // CKV_AZURE_141 ↔ AUTH-02: same pass set.
            XCTAssertEqual(Checkov.ckv141(b), status("AUTH-02") == .pass, "CKV_AZURE_141 \(s.label)")
            compared["CKV_AZURE_141", default: 0] += 1
            // CKV_AZURE_6 ↔ NET-01 on public clusters: ranges present ⇔ not failed (we grade ranges 0.5;
            // a /0 range fails with us and passes checkov — none in the corpus).
            if !Checkov.isPrivate(b) {
                let ranges = r.finding("NET-01")!.evidence.first { $0.path.hasSuffix("authorizedIPRanges") }?.value ?? ""
                if !ranges.contains("/0\"") {
                    XCTAssertEqual(Checkov.ckv6(b), status("NET-01") != .fail, "CKV_AZURE_6 \(s.label)")
                    compared["CKV_AZURE_6", default: 0] += 1
                }
            }
            // CKV_AZURE_7 ↔ NET-03: agree unless the policy is the string "none" (checkov passes any value).
            let policy = (Checkov.dig(Checkov.props(b), "networkProfile", "networkPolicy") as? String)?.lowercased()
            if policy != "none" {
                XCTAssertEqual(Checkov.ckv7(b), status("NET-03") == .pass, "CKV_AZURE_7 \(s.label)")
                compared["CKV_AZURE_7", default: 0] += 1
            }
            // CKV_AZURE_8 ↔ HARD-13 (dashboard part) when the add-on key is present.
            if Checkov.dig(Checkov.props(b), "addonProfiles", "kubeDashboard") != nil,
               !Checkov.truthy(Checkov.dig(Checkov.props(b), "addonProfiles", "httpApplicationRouting", "enabled")) {
                XCTAssertEqual(Checkov.ckv8(b), status("HARD-13") == .pass, "CKV_AZURE_8 \(s.label)")
                compared["CKV_AZURE_8", default: 0] += 1
            }
            // CKV_AZURE_172 ↔ SEC-01 pass when the add-on is enabled.
            if Checkov.truthy(Checkov.dig(Checkov.props(b), "addonProfiles", "azureKeyvaultSecretsProvider", "enabled")) {
                XCTAssertEqual(Checkov.ckv172(b), status("SEC-01") == .pass, "CKV_AZURE_172 \(s.label)")
                XCTAssertEqual(Checkov.ckv172(b), status("SEC-02") == .pass, "CKV_AZURE_172/SEC-02 \(s.label)")
                compared["CKV_AZURE_172", default: 0] += 1
            }
            // CKV_AZURE_227 ↔ HARD-09 on single-pool clusters (checkov reads pool [0] only).
            if Checkov.poolCount(b) == 1 {
                XCTAssertEqual(Checkov.ckv227(b), status("HARD-09") == .pass, "CKV_AZURE_227 \(s.label)")
                compared["CKV_AZURE_227", default: 0] += 1
            }
        }
        for id in ["CKV_AZURE_5", "CKV_AZURE_141", "CKV_AZURE_6", "CKV_AZURE_7", "CKV_AZURE_227"] {
            XCTAssertGreaterThan(compared[id] ?? 0, 0, "no corpus example exercised \(id)")
        }
        print("checkov comparisons on corpus clusters: \(compared.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }

    /// ACR and Key Vault examples: CKV_AZURE_137/138/139 and 109/110/189.
    func testAgreementWithCheckovOnCorpusRegistriesAndVaults() throws {
        guard let root = Corpus.root() else { throw XCTSkip("corpus not found (set AKSPOSTURE_CORPUS or place it at ../shared/corpus); 0 corpus files read, all registry and key vault examples skipped") }
        let acrFiles = Corpus.files(in: root) { $0.contains("Microsoft.ContainerRegistry/Registry/") && ($0.hasSuffix("RegistryGet.json") || $0.hasSuffix("RegistryUpdate.json")) }
        let kvFiles = Corpus.files(in: root) { $0.contains("Microsoft.KeyVault/KeyVault/") && ($0.hasSuffix("getVault.json") || $0.hasSuffix("createVaultWithNetworkAcls.json")) }
        guard !acrFiles.isEmpty || !kvFiles.isEmpty else { throw XCTSkip("no registry or vault examples in the corpus; 0 files compared") }
        var compared = 0
        for file in acrFiles {
            for (label, body) in try Corpus.clusterBodies(in: root.appendingPathComponent(file)) {
                let regs = try DocumentImporter.registries(from: JSONSerialization.data(withJSONObject: body), file: file)
                var s = goodSnapshot(); s.registries = regs
                let r = PostureScorer().score(s, now: testNow)
                let p = Checkov.props(body)
                let admin = Checkov.truthy(p["adminUserEnabled"]), anon = Checkov.truthy(p["anonymousPullEnabled"])
                let pna = (p["publicNetworkAccess"] as? String)?.lowercased()
                // CKV_AZURE_137 (admin user not enabled) ↔ IDENT-09 pass.
                if p["adminUserEnabled"] != nil { XCTAssertEqual(!admin, r.finding("IDENT-09")!.status == .pass, "137 \(file) \(label)") }
                // CKV_AZURE_138 (no anonymous pull) ↔ IDENT-10 not failed (we also grade the ARM-audience policy).
                XCTAssertEqual(!anon, r.finding("IDENT-10")!.status != .fail, "138 \(file) \(label)")
                // CKV_AZURE_139 (public network access disabled) ↔ NET-11 pass.
                XCTAssertEqual(pna == "disabled", r.finding("NET-11")!.status == .pass, "139 \(file) \(label)")
                compared += 1
            }
        }
        for file in kvFiles {
            for (label, body) in try Corpus.clusterBodies(in: root.appendingPathComponent(file)) {
                let vaults = try DocumentImporter.keyVaults(from: JSONSerialization.data(withJSONObject: body), file: file)
                var s = goodSnapshot(); s.keyVaults = vaults
                let r = PostureScorer().score(s, now: testNow)
                let p = Checkov.props(body)
                // CKV_AZURE_110 (purge protection) ↔ SEC-08 pass: the corpus vaults have soft delete on.
                if Checkov.truthy(p["enableSoftDelete"]) {
                    XCTAssertEqual(Checkov.truthy(p["enablePurgeProtection"]), r.finding("SEC-08")!.status == .pass, "110 \(file) \(label)")
                }
                // CKV_AZURE_189 (public access disabled) ↔ SEC-09 pass; CKV_AZURE_109 (ACL default Deny) ⇒ SEC-09 credit ≥ 0.5.
                let pna = (p["publicNetworkAccess"] as? String)?.lowercased()
                XCTAssertEqual(pna == "disabled", r.finding("SEC-09")!.status == .pass, "189 \(file) \(label)")
                let deny = (Checkov.dig(p, "networkAcls", "defaultAction") as? String)?.lowercased() == "deny"
                if deny { XCTAssertGreaterThanOrEqual(r.finding("SEC-09")!.credit ?? 0, 0.5, "109 \(file) \(label)") }
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 0)
    }
}

/// Where we deliberately differ from checkov, pinned on minimal ARM bodies.
final class CheckovDifferenceTests: XCTestCase {
    func score(_ properties: String) throws -> (body: [String: Any], report: ScoreReport) {
        let json = "{\"name\": \"c\", \"id\": \"/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c\", \"properties\": \(properties)}"
        let body = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let c = try DocumentImporter.cluster(from: Data(json.utf8), file: "cluster.json")
        return (body, PostureScorer().score(Snapshot(collection: CollectionInfo(collectedAt: testNow), cluster: c), now: testNow))
    }

    /// CKV_AZURE_6 (ARM) fails a private cluster without authorized ranges; the API server has no
    /// public endpoint, so NET-01 passes it (as Azure Policy 0e246bcf and checkov's Terraform check do).
    func testPrivateClustersAreExemptFromAuthorizedRanges() throws {
        let (b, r) = try score(#"{"apiServerAccessProfile": {"enablePrivateCluster": true}}"#)
        XCTAssertFalse(Checkov.ckv6(b))
        XCTAssertEqual(r.finding("NET-01")?.status, .pass)
        XCTAssertEqual(r.finding("NET-02")?.status, .notApplicable)
    }

    /// checkov treats any authorized range as a pass; we grade a public endpoint with ranges 0.5 and
    /// fail a range list that contains 0.0.0.0/0.
    func testAuthorizedRangesAreGraded() throws {
        let (b1, r1) = try score(#"{"apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24"]}}"#)
        XCTAssertTrue(Checkov.ckv6(b1))
        XCTAssertEqual(r1.finding("NET-01")?.status, .partial); XCTAssertEqual(r1.finding("NET-01")?.credit, 0.5)
        let (b2, r2) = try score(#"{"apiServerAccessProfile": {"authorizedIPRanges": ["0.0.0.0/0"]}}"#)
        XCTAssertTrue(Checkov.ckv6(b2))
        XCTAssertEqual(r2.finding("NET-01")?.status, .fail)
    }

    /// CKV_AZURE_227 reads `agentPoolProfiles[0]` only; HARD-09 grades every pool.
    func testEveryPoolInsteadOfPoolZero() throws {
        let (b, r) = try score(#"{"agentPoolProfiles": [{"name": "a", "osType": "Linux", "enableEncryptionAtHost": true}, {"name": "b", "osType": "Linux", "enableEncryptionAtHost": false}]}"#)
        XCTAssertTrue(Checkov.ckv227(b))
        XCTAssertEqual(r.finding("HARD-09")?.status, .partial)
        XCTAssertEqual(r.finding("HARD-09")?.affected.map(\.name), ["b"])
    }

    /// CKV_AZURE_8 (ARM) fails when the dashboard add-on key is absent; an absent add-on is not running, so HARD-13 passes.
    func testAbsentDashboardAddonPasses() throws {
        let (b, r) = try score(#"{"addonProfiles": {}}"#)
        XCTAssertFalse(Checkov.ckv8(b))
        XCTAssertEqual(r.finding("HARD-13")?.status, .pass)
    }

    /// CKV_AZURE_7 passes any non-empty networkPolicy, including "none"; NET-03 fails it.
    func testNetworkPolicyNoneFails() throws {
        let (b, r) = try score(#"{"networkProfile": {"networkPlugin": "azure", "networkPolicy": "none"}}"#)
        XCTAssertTrue(Checkov.ckv7(b))
        XCTAssertEqual(r.finding("NET-03")?.status, .fail)
    }

    /// CKV_AZURE_172 checks the rotation flag only; SEC-01 grades the add-on (0.6 without rotation)
    /// and requires it to be enabled, and SEC-02 is not applicable when the add-on is off.
    func testSecretsProviderIsGraded() throws {
        let (b1, r1) = try score(#"{"addonProfiles": {"azureKeyvaultSecretsProvider": {"enabled": true, "config": {"enableSecretRotation": "false"}}}}"#)
        XCTAssertFalse(Checkov.ckv172(b1))
        XCTAssertEqual(r1.finding("SEC-01")?.credit, 0.6)
        let (b2, r2) = try score(#"{"addonProfiles": {"azureKeyvaultSecretsProvider": {"enabled": false, "config": {"enableSecretRotation": "true"}}}}"#)
        XCTAssertTrue(Checkov.ckv172(b2))
        XCTAssertEqual(r2.finding("SEC-01")?.status, .fail)
        XCTAssertEqual(r2.finding("SEC-02")?.status, .notApplicable)
    }

    /// CKV_AZURE_5 and Azure Policy ac4a19c2 disagree on a missing `enableRBAC`; we follow the catalog and fail it, like checkov.
    func testMissingEnableRBACFailsLikeCheckov() throws {
        let (b, r) = try score(#"{}"#)
        XCTAssertFalse(Checkov.ckv5(b))
        XCTAssertEqual(r.finding("AUTH-03")?.status, .fail)
    }
}
