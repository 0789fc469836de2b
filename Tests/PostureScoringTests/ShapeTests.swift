import Foundation
import XCTest
import PostureModel
import PostureImport
@testable import PostureScoring

/// The same cluster written in the REST/ARM shape and in the shape `az … -o json` prints must
/// get identical verdicts: key spellings differ (`enableAzureRBAC`/`enableAzureRbac`,
/// `authorizedIPRanges`/`authorizedIpRanges`, `osSKU`/`osSku`, …), add-on keys differ in case,
/// and az prints many nulls.
final class ShapeTests: XCTestCase {
    static let restCluster = """
    {
      "id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shape/providers/Microsoft.ContainerService/managedClusters/aks-shape",
      "name": "aks-shape",
      "type": "Microsoft.ContainerService/ManagedClusters",
      "location": "westeurope",
      "sku": {"name": "Base", "tier": "Standard"},
      "identity": {"type": "SystemAssigned", "principalId": "00000000-0000-0000-0000-0000000000a1", "tenantId": "00000000-0000-0000-0000-0000000000t1"},
      "properties": {
        "kubernetesVersion": "1.33.2",
        "currentKubernetesVersion": "1.33.2",
        "nodeResourceGroup": "MC_rg-shape_aks-shape_westeurope",
        "enableRBAC": true,
        "disableLocalAccounts": false,
        "aadProfile": {"managed": true, "enableAzureRBAC": false, "adminGroupObjectIDs": [], "tenantID": "00000000-0000-0000-0000-0000000000t1"},
        "apiServerAccessProfile": {"enablePrivateCluster": false, "authorizedIPRanges": ["10.0.0.0/8", "203.0.113.0/24"], "disableRunCommand": true},
        "servicePrincipalProfile": {"clientId": "msi"},
        "identityProfile": {"kubeletidentity": {"resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/MC_rg-shape_aks-shape_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-shape-agentpool", "clientId": "00000000-0000-0000-0000-0000000000c1", "objectId": "00000000-0000-0000-0000-0000000000o1"}},
        "oidcIssuerProfile": {"enabled": true, "issuerURL": "https://westeurope.oic.prod-aks.azure.com/t1/i1/"},
        "podIdentityProfile": {"enabled": false},
        "securityProfile": {
          "workloadIdentity": {"enabled": false},
          "defender": {"logAnalyticsWorkspaceResourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shape/providers/Microsoft.OperationalInsights/workspaces/law", "securityMonitoring": {"enabled": true}},
          "imageCleaner": {"enabled": true, "intervalHours": 48},
          "azureKeyVaultKms": {"enabled": true, "keyId": "https://kv-shape.vault.azure.net/keys/etcd/0123", "keyVaultNetworkAccess": "Public", "keyVaultResourceId": ""}
        },
        "networkProfile": {"networkPlugin": "azure", "networkPluginMode": "overlay", "networkPolicy": "calico", "outboundType": "managedNATGateway", "loadBalancerSku": "standard"},
        "addonProfiles": {
          "azurepolicy": {"enabled": true},
          "azureKeyvaultSecretsProvider": {"enabled": true, "config": {"enableSecretRotation": "false", "rotationPollInterval": "2m"}},
          "kubeDashboard": {"enabled": false}
        },
        "autoUpgradeProfile": {"upgradeChannel": "node-image", "nodeOSUpgradeChannel": "Unmanaged"},
        "diskEncryptionSetID": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shape/providers/Microsoft.Compute/diskEncryptionSets/des",
        "agentPoolProfiles": [
          {"name": "system", "mode": "System", "count": 3, "vmSize": "Standard_D4ds_v5", "osType": "Linux", "osSKU": "AzureLinux",
           "orchestratorVersion": "1.33.2", "currentOrchestratorVersion": "1.33.2", "enableNodePublicIP": false, "enableEncryptionAtHost": true,
           "securityProfile": {"sshAccess": "Disabled"}},
          {"name": "user1", "mode": "User", "count": 2, "vmSize": "Standard_D4ds_v5", "osType": "Linux", "osSKU": "Ubuntu",
           "orchestratorVersion": "1.33.2", "currentOrchestratorVersion": "1.33.2", "enableNodePublicIP": true, "enableEncryptionAtHost": false,
           "securityProfile": {"sshAccess": "EntraId"}}
        ]
      }
    }
    """

    static let azCluster = """
    {
      "aadProfile": {"adminGroupObjectIds": null, "adminUsers": null, "clientAppId": null, "enableAzureRbac": false, "managed": true, "serverAppId": null, "serverAppSecret": null, "tenantId": "00000000-0000-0000-0000-0000000000t1"},
      "addonProfiles": {
        "azureKeyvaultSecretsProvider": {"config": {"enableSecretRotation": "false", "rotationPollInterval": "2m"}, "enabled": true, "identity": {"clientId": "00000000-0000-0000-0000-0000000000c9", "objectId": "00000000-0000-0000-0000-0000000000o9", "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/MC_rg-shape_aks-shape_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/azurekeyvaultsecretsprovider-aks-shape"}},
        "azurePolicy": {"config": null, "enabled": true, "identity": null},
        "kubeDashboard": {"config": null, "enabled": false, "identity": null}
      },
      "agentPoolProfiles": [
        {"availabilityZones": null, "count": 3, "currentOrchestratorVersion": "1.33.2", "enableEncryptionAtHost": true, "enableFips": false, "enableNodePublicIp": false,
         "mode": "System", "name": "system", "nodePublicIpPrefixId": null, "orchestratorVersion": "1.33.2", "osDiskType": "Managed", "osSku": "AzureLinux", "osType": "Linux",
         "securityProfile": {"enableSecureBoot": false, "enableVtpm": false, "sshAccess": "Disabled"}, "vmSize": "Standard_D4ds_v5", "vnetSubnetId": null},
        {"availabilityZones": null, "count": 2, "currentOrchestratorVersion": "1.33.2", "enableEncryptionAtHost": false, "enableFips": false, "enableNodePublicIp": true,
         "mode": "User", "name": "user1", "nodePublicIpPrefixId": null, "orchestratorVersion": "1.33.2", "osDiskType": "Managed", "osSku": "Ubuntu", "osType": "Linux",
         "securityProfile": {"enableSecureBoot": false, "enableVtpm": false, "sshAccess": "EntraId"}, "vmSize": "Standard_D4ds_v5", "vnetSubnetId": null}
      ],
      "apiServerAccessProfile": {"authorizedIpRanges": ["10.0.0.0/8", "203.0.113.0/24"], "disableRunCommand": true, "enablePrivateCluster": false, "enablePrivateClusterPublicFqdn": null, "enableVnetIntegration": null, "privateDnsZone": null, "subnetId": null},
      "autoUpgradeProfile": {"nodeOsUpgradeChannel": "Unmanaged", "upgradeChannel": "node-image"},
      "currentKubernetesVersion": "1.33.2",
      "disableLocalAccounts": false,
      "diskEncryptionSetId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shape/providers/Microsoft.Compute/diskEncryptionSets/des",
      "enableRbac": true,
      "id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-shape/providers/Microsoft.ContainerService/managedClusters/aks-shape",
      "identity": {"delegatedResources": null, "principalId": "00000000-0000-0000-0000-0000000000a1", "tenantId": "00000000-0000-0000-0000-0000000000t1", "type": "SystemAssigned", "userAssignedIdentities": null},
      "identityProfile": {"kubeletidentity": {"clientId": "00000000-0000-0000-0000-0000000000c1", "objectId": "00000000-0000-0000-0000-0000000000o1", "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/MC_rg-shape_aks-shape_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-shape-agentpool"}},
      "kubernetesVersion": "1.33.2",
      "location": "westeurope",
      "name": "aks-shape",
      "networkProfile": {"dnsServiceIp": "10.0.0.10", "loadBalancerSku": "standard", "networkDataplane": null, "networkMode": null, "networkPlugin": "azure", "networkPluginMode": "overlay", "networkPolicy": "calico", "outboundType": "managedNATGateway", "podCidr": "10.244.0.0/16", "serviceCidr": "10.0.0.0/16"},
      "nodeResourceGroup": "MC_rg-shape_aks-shape_westeurope",
      "oidcIssuerProfile": {"enabled": true, "issuerUrl": "https://westeurope.oic.prod-aks.azure.com/t1/i1/"},
      "podIdentityProfile": {"allowNetworkPluginKubenet": null, "enabled": false, "userAssignedIdentities": null, "userAssignedIdentityExceptions": null},
      "resourceGroup": "rg-shape",
      "securityProfile": {
        "azureKeyVaultKms": {"enabled": true, "keyId": "https://kv-shape.vault.azure.net/keys/etcd/0123", "keyVaultNetworkAccess": "Public", "keyVaultResourceId": ""},
        "defender": {"logAnalyticsWorkspaceResourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shape/providers/Microsoft.OperationalInsights/workspaces/law", "securityMonitoring": {"enabled": true}},
        "imageCleaner": {"enabled": true, "intervalHours": 48},
        "imageIntegrity": null,
        "workloadIdentity": {"enabled": false}
      },
      "servicePrincipalProfile": {"clientId": "msi", "secret": null},
      "sku": {"name": "Base", "tier": "Standard"},
      "tags": null,
      "type": "Microsoft.ContainerService/ManagedClusters"
    }
    """

    static let restRegistries = """
    {"value": [{
      "id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shape/providers/Microsoft.ContainerRegistry/registries/acrshape",
      "name": "acrshape", "location": "westeurope", "type": "Microsoft.ContainerRegistry/registries",
      "sku": {"name": "Premium", "tier": "Premium"},
      "properties": {
        "loginServer": "acrshape.azurecr.io", "adminUserEnabled": false, "anonymousPullEnabled": false,
        "publicNetworkAccess": "Enabled", "networkRuleSet": {"defaultAction": "Deny", "ipRules": [{"action": "Allow", "value": "203.0.113.0/24"}]},
        "policies": {"azureADAuthenticationAsArmPolicy": {"status": "enabled"}},
        "privateEndpointConnections": []
      }
    }]}
    """

    static let azRegistries = """
    [{
      "adminUserEnabled": false, "anonymousPullEnabled": false, "dataEndpointEnabled": false, "encryption": {"keyVaultProperties": null, "status": "disabled"},
      "id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shape/providers/Microsoft.ContainerRegistry/registries/acrshape",
      "identity": null, "location": "westeurope", "loginServer": "acrshape.azurecr.io", "name": "acrshape",
      "networkRuleSet": {"defaultAction": "Deny", "ipRules": [{"action": "Allow", "ipAddressOrRange": "203.0.113.0/24"}]},
      "policies": {"azureAdAuthenticationAsArmPolicy": {"status": "enabled"}, "exportPolicy": {"status": "enabled"}},
      "privateEndpointConnections": [], "publicNetworkAccess": "Enabled", "resourceGroup": "rg-shape",
      "sku": {"name": "Premium", "tier": "Premium"}, "tags": {}, "type": "Microsoft.ContainerRegistry/registries"
    }]
    """

    func snapshot(cluster: String, registries: String) throws -> Snapshot {
        let c = try DocumentImporter.cluster(from: Data(cluster.utf8), file: "cluster.json")
        var s = Snapshot(collection: CollectionInfo(collectedAt: testNow), cluster: c)
        s.registries = try DocumentImporter.registries(from: Data(registries.utf8), file: "acr.json")
        return s
    }

    func testSameVerdictsInRestAndAzShapes() throws {
        let rest = PostureScorer().score(try snapshot(cluster: Self.restCluster, registries: Self.restRegistries), now: testNow)
        let az = PostureScorer().score(try snapshot(cluster: Self.azCluster, registries: Self.azRegistries), now: testNow)
        for (a, b) in zip(rest.findings, az.findings) {
            XCTAssertEqual(a.status, b.status, "\(a.checkID): REST \(a.summary) / az \(b.summary)")
            XCTAssertEqual(a.credit, b.credit, a.checkID)
            XCTAssertEqual(a.affected.map(\.name), b.affected.map(\.name), a.checkID)
        }
        XCTAssertEqual(rest.overall.score, az.overall.score, accuracy: 1e-12)

        // The shape-sensitive checks, with the values these fixtures encode.
        let expected: [(String, CheckStatus, Double?)] = [
            ("AUTH-01", .partial, 0.5),   // enableAzureRBAC / enableAzureRbac = false
            ("AUTH-02", .fail, 0),
            ("AUTH-03", .pass, 1),        // enableRBAC / enableRbac
            ("AUTH-04", .fail, 0),        // adminGroupObjectIDs [] / adminGroupObjectIds null
            ("AUTH-05", .pass, 1),
            ("IDENT-01", .pass, 1),       // identityProfile.kubeletidentity
            ("IDENT-02", .partial, 0.5),  // issuerURL / issuerUrl
            ("IDENT-10", .partial, 0.5),  // azureADAuthenticationAsArmPolicy / azureAdAuthenticationAsArmPolicy
            ("NET-01", .partial, 0.5),    // authorizedIPRanges / authorizedIpRanges
            ("NET-02", .partial, 0.5),    // 10.0.0.0/8 is wider than /16
            ("NET-03", .pass, 1),
            ("NET-10", .fail, 0),         // enableNodePublicIP / enableNodePublicIp on user1
            ("NET-11", .partial, 0.5),
            ("NET-12", .partial, 0.3),
            ("NET-14", .partial, 0.5),
            ("SEC-01", .partial, 0.6),    // addon key case, string "false"
            ("SEC-02", .fail, 0),
            ("SEC-03", .partial, 0.7),
            ("SEC-10", .pass, 1),         // diskEncryptionSetID / diskEncryptionSetId
            ("HARD-01", .partial, 0.5),   // securityProfile.sshAccess per pool
            ("HARD-02", .partial, 0.5),   // osSKU / osSku
            ("HARD-03", .pass, 1),        // azurepolicy / azurePolicy
            ("HARD-06", .partial, 0.5),
            ("HARD-07", .partial, 0.5),   // nodeOSUpgradeChannel / nodeOsUpgradeChannel
            ("HARD-09", .partial, 0.5),
            ("HARD-13", .pass, 1),
        ]
        for (id, status, credit) in expected {
            for (shape, r) in [("REST", rest), ("az", az)] {
                let f = r.finding(id)!
                XCTAssertEqual(f.status, status, "\(shape) \(id): \(f.summary)")
                XCTAssertEqual(f.credit, credit, "\(shape) \(id)")
            }
        }
    }

    func testNodePoolListInBothShapes() throws {
        let rest = """
        {"value": [{"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shape/providers/Microsoft.ContainerService/managedClusters/aks-shape/agentPools/user1",
                    "name": "user1", "properties": {"mode": "User", "osType": "Linux", "osSKU": "Ubuntu", "enableNodePublicIP": true, "enableEncryptionAtHost": false, "securityProfile": {"sshAccess": "LocalUser"}}}]}
        """
        let az = """
        [{"name": "user1", "mode": "User", "osType": "Linux", "osSku": "Ubuntu", "enableNodePublicIp": true, "enableEncryptionAtHost": false,
          "securityProfile": {"sshAccess": "LocalUser"}, "resourceGroup": "rg-shape", "nodePublicIpPrefixId": null}]
        """
        var verdicts: [[String: String]] = []
        for doc in [rest, az] {
            var s = goodSnapshot()
            s.nodePools = try DocumentImporter.nodePools(from: Data(doc.utf8), file: "nodepools.json")
            s.nodePoolsFromCluster = false
            let r = PostureScorer().score(s, now: testNow)
            verdicts.append(Dictionary(uniqueKeysWithValues: ["HARD-01", "HARD-02", "HARD-09", "NET-10"].map { ($0, "\(r.finding($0)!.status.rawValue) \(r.finding($0)!.credit ?? -1)") }))
        }
        XCTAssertEqual(verdicts[0], verdicts[1])
        XCTAssertEqual(verdicts[0], ["HARD-01": "fail 0.0", "HARD-02": "partial 0.5", "HARD-09": "fail 0.0", "NET-10": "fail 0.0"])
    }
}
