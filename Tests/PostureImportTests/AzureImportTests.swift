import Foundation
import XCTest
import PostureModel
@testable import PostureImport

final class AzureImportTests: XCTestCase {
    private func data(_ s: String) -> Data { Data(s.utf8) }

    func testRESTAndAzShapesGiveTheSameCluster() throws {
        let rest = try DocumentImporter.cluster(from: data(Fixtures.clusterREST), file: "rest/cluster.json")
        let az = try DocumentImporter.cluster(from: data(Fixtures.clusterAZ), file: "az/cluster.json")
        XCTAssertEqual(rest, az)

        XCTAssertEqual(rest.name, "aks-one")
        XCTAssertEqual(rest.resourceGroup, "rg-posture", "derived from the ARM id in the REST shape")
        XCTAssertEqual(rest.subscriptionID, "00000000-1111-2222-3333-444444444444")
        XCTAssertEqual(rest.skuTier, "Standard")
        XCTAssertEqual(rest.powerState, "Running")
        XCTAssertEqual(rest.tags, ["env": "prod", "cost": "12"])
        XCTAssertEqual(rest.enableRBAC, true)
        XCTAssertEqual(rest.disableLocalAccounts, true)
        XCTAssertEqual(rest.aad?.enableAzureRBAC, true)
        XCTAssertEqual(rest.aad?.adminGroupObjectIDs, ["grp-1", "grp-2"])
        XCTAssertEqual(rest.aad?.tenantID, "tenant-1")
        XCTAssertEqual(rest.apiServer.enablePrivateCluster, true)
        XCTAssertEqual(rest.apiServer.authorizedIPRanges, [])
        XCTAssertEqual(rest.apiServer.privateDNSZone, "system")
        XCTAssertEqual(rest.identityType, "UserAssigned")
        XCTAssertEqual(rest.userAssignedIdentities.first?.clientID, "cp-client")
        XCTAssertEqual(rest.servicePrincipalClientID, "msi")
        XCTAssertEqual(rest.kubeletIdentity?.clientID, "kubelet-client")
        XCTAssertEqual(rest.oidcIssuerEnabled, true)
        XCTAssertEqual(rest.oidcIssuerURL, "https://westeurope.oic.prod-aks.azure.com/tenant-1/abc/")
        XCTAssertEqual(rest.workloadIdentityEnabled, true)
        XCTAssertEqual(rest.podIdentityEnabled, false)
        XCTAssertEqual(rest.network.networkPolicy, "cilium")
        XCTAssertEqual(rest.network.loadBalancerSKU, "standard")
        XCTAssertEqual(rest.defenderSecurityMonitoringEnabled, true)
        XCTAssertEqual(rest.kms?.keyVaultNetworkAccess, "Private")
        XCTAssertEqual(rest.infrastructureEncryption, "Enabled")
        XCTAssertEqual(rest.imageCleanerEnabled, true)
        XCTAssertEqual(rest.imageIntegrityEnabled, false)
        XCTAssertEqual(rest.diskEncryptionSetID?.hasSuffix("/des"), true)
        XCTAssertEqual(rest.upgradeChannel, "patch")
        XCTAssertEqual(rest.nodeOSUpgradeChannel, "NodeImage")
        XCTAssertEqual(rest.linuxAdminUsername, "azureuser")
        XCTAssertEqual(rest.linuxSSHKeyCount, 1)
        XCTAssertEqual(rest.windowsAdminUsername, "winadmin")
        XCTAssertEqual(rest.agentPoolProfiles.count, 1)
        let pool = try XCTUnwrap(rest.agentPoolProfiles.first)
        XCTAssertEqual(pool.osSKU, "AzureLinux")
        XCTAssertEqual(pool.sshAccess, "Disabled")
        XCTAssertEqual(pool.enableEncryptionAtHost, true)
        XCTAssertEqual(pool.availabilityZones, ["1", "2", "3"])
        XCTAssertEqual(pool.type, "VirtualMachineScaleSets")
    }

    func testAddonKeysAreLowerCasedAndConfigCoercedToStrings() throws {
        let c = try DocumentImporter.cluster(from: data(Fixtures.clusterREST), file: "cluster.json")
        XCTAssertEqual(Set(c.addons.keys), ["azurepolicy", "omsagent", "azurekeyvaultsecretsprovider"])
        XCTAssertEqual(c.addon("AzurePolicy")?.enabled, true)
        XCTAssertEqual(c.addon("azureKeyvaultSecretsProvider")?.configValue("ENABLESECRETROTATION"), "true")
        XCTAssertEqual(c.addon("azureKeyvaultSecretsProvider")?.configValue("rotationPollInterval"), "2m")
        XCTAssertEqual(c.addon("azureKeyvaultSecretsProvider")?.identityClientID, "kvsp-client")
        let az = try DocumentImporter.cluster(from: data(Fixtures.clusterAZ), file: "cluster.json")
        XCTAssertEqual(az.addon("omsagent")?.enabled, true, "\"True\" string boolean")
    }

    func testStringBooleansAndNullsMeanUnknown() throws {
        let c = try DocumentImporter.cluster(from: data(#"{"name": "c", "enableRbac": "false", "disableLocalAccounts": null, "aadProfile": {"managed": "TRUE"}}"#), file: "cluster.json")
        XCTAssertEqual(c.enableRBAC, false)
        XCTAssertNil(c.disableLocalAccounts)
        XCTAssertEqual(c.aad?.managed, true)
        XCTAssertNil(c.apiServer.authorizedIPRanges, "absent stays nil, not empty")
        XCTAssertNil(c.aad?.enableAzureRBAC)
        XCTAssertNil(c.linuxSSHKeyCount)
    }

    func testClusterDescribeEnvelope() throws {
        let wrapped = #"{"apiVersion": "management.azure.com/v1", "kind": "ClusterDescribe", "metadata": {"name": "x", "provider": "aks"}, "data": \#(Fixtures.clusterREST)}"#
        let c = try DocumentImporter.cluster(from: data(wrapped), file: "cluster.json")
        XCTAssertEqual(c, try DocumentImporter.cluster(from: data(Fixtures.clusterREST), file: "cluster.json"))
    }

    func testWrongShapesAreErrorsWithPath() {
        func expectError(_ json: String, path: String, _ fragment: String, line: UInt = #line) {
            XCTAssertThrowsError(try DocumentImporter.cluster(from: data(json), file: "b/cluster.json"), line: line) { error in
                let e = error as! ImportError
                XCTAssertEqual(e.file, "b/cluster.json", line: line)
                XCTAssertEqual(e.path, path, line: line)
                XCTAssertTrue(e.message.contains(fragment), e.message, line: line)
            }
        }
        expectError(#"[{"name": "c"}]"#, path: "$", "managed cluster object")
        expectError(#"{"properties": {"enableRBAC": true}}"#, path: "$.name", "missing required field 'name'")
        expectError(#"{"name": "c", "properties": {"enableRBAC": [1]}}"#, path: "$.properties.enableRBAC", "expected a boolean, found an array")
        expectError(#"{"name": "c", "properties": {"enableRBAC": "maybe"}}"#, path: "$.properties.enableRBAC", "expected a boolean")
        expectError(#"{"name": "c", "properties": {"agentPoolProfiles": [{"name": "p", "count": "three"}]}}"#, path: "$.properties.agentPoolProfiles[0].count", "expected an integer")
        expectError(#"{"name": "c", "properties": {"agentPoolProfiles": [{"name": "p", "count": 1e400}]}}"#, path: "$.properties.agentPoolProfiles[0].count", "expected an integer")
        expectError(#"{"name": "c", "properties": "oops"}"#, path: "$.properties", "expected an object")
        expectError(#"{"name": "c", "addonProfiles": {"x": {"config": {"k": [1]}}}}"#, path: "$.addonProfiles.x.config.k", "expected a string")
        // Unknown extra fields are ignored.
        XCTAssertNoThrow(try DocumentImporter.cluster(from: data(#"{"name": "c", "futureField": {"a": [1, 2]}}"#), file: "cluster.json"))
    }

    func testListShapes() throws {
        let pool = #"{"name": "p1", "properties": {"count": 2, "mode": "User", "osSKU": "Ubuntu", "enableNodePublicIP": true, "nodePublicIPPrefixID": "/x/prefix"}, "type": "Microsoft.ContainerService/managedClusters/agentPools"}"#
        let array = try DocumentImporter.nodePools(from: data("[\(pool)]"), file: "nodepools.json")
        let page = try DocumentImporter.nodePools(from: data(#"{"value": [\#(pool)], "nextLink": null}"#), file: "nodepools.json")
        let single = try DocumentImporter.nodePools(from: data(pool), file: "nodepools.json")
        XCTAssertEqual(array, page)
        XCTAssertEqual(array, single)
        XCTAssertEqual(array.first?.count, 2)
        XCTAssertEqual(array.first?.enableNodePublicIP, true)
        XCTAssertNil(array.first?.type, "the ARM resource type is not the pool type")
        let azPool = #"[{"name": "p1", "count": 2, "mode": "User", "osSku": "Ubuntu", "enableNodePublicIp": true, "nodePublicIpPrefixId": "/x/prefix", "type": "Microsoft.ContainerService/managedClusters/agentPools", "typePropertiesType": "VirtualMachineScaleSets"}]"#
        var az = try DocumentImporter.nodePools(from: data(azPool), file: "nodepools.json")
        XCTAssertEqual(az.first?.type, "VirtualMachineScaleSets")
        az[0].type = nil
        XCTAssertEqual(az, array)
        XCTAssertEqual(try DocumentImporter.nodePools(from: data("[]"), file: "nodepools.json"), [])
        XCTAssertThrowsError(try DocumentImporter.nodePools(from: data("42"), file: "nodepools.json"))
    }

    func testRegistryBothShapes() throws {
        let rest = #"""
        {"id": "/subscriptions/s/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/acrone", "name": "acrone", "location": "westeurope", "sku": {"name": "Premium", "tier": "Premium"}, "tags": {},
         "properties": {"loginServer": "acrone.azurecr.io", "adminUserEnabled": false, "anonymousPullEnabled": false, "publicNetworkAccess": "Disabled", "dataEndpointEnabled": true,
           "networkRuleSet": {"defaultAction": "Deny", "ipRules": [{"action": "Allow", "value": "1.2.3.4"}]},
           "policies": {"azureADAuthenticationAsArmPolicy": {"status": "disabled"}},
           "privateEndpointConnections": [{"id": "/x/pec1", "name": "pec1", "properties": {"privateEndpoint": {"id": "/x/pe1"}, "groupIds": ["registry"], "privateLinkServiceConnectionState": {"status": "Approved"}}}]}}
        """#
        let az = #"""
        [{"adminUserEnabled": false, "anonymousPullEnabled": false, "dataEndpointEnabled": true, "id": "/subscriptions/s/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/acrone", "location": "westeurope", "loginServer": "acrone.azurecr.io", "name": "acrone",
          "networkRuleSet": {"defaultAction": "Deny", "ipRules": [{"action": "Allow", "ipAddressOrRange": "1.2.3.4"}]},
          "policies": {"azureAdAuthenticationAsArmPolicy": {"status": "disabled"}},
          "privateEndpointConnections": [{"groupIds": ["registry"], "id": "/x/pec1", "name": "pec1", "privateEndpoint": {"id": "/x/pe1"}, "privateLinkServiceConnectionState": {"actionsRequired": "None", "status": "Approved"}}],
          "publicNetworkAccess": "Disabled", "resourceGroup": "rg-acr", "sku": {"name": "Premium", "tier": "Premium"}, "tags": {}}]
        """#
        let r1 = try DocumentImporter.registries(from: data(rest), file: "acr.json")
        let r2 = try DocumentImporter.registries(from: data(az), file: "acr.json")
        XCTAssertEqual(r1, r2)
        let r = try XCTUnwrap(r1.first)
        XCTAssertEqual(r.resourceGroup, "rg-acr")
        XCTAssertEqual(r.networkRuleDefaultAction, "Deny")
        XCTAssertEqual(r.ipRuleCount, 1)
        XCTAssertEqual(r.armAudienceTokenPolicyStatus, "disabled")
        XCTAssertEqual(r.privateEndpointConnections.first?.status, "Approved")
        XCTAssertEqual(r.privateEndpointConnections.first?.groupIDs, ["registry"])
        XCTAssertEqual(r.privateEndpointConnections.first?.privateEndpointID, "/x/pe1")
    }

    func testKeyVaultBothShapes() throws {
        let rest = #"""
        {"value": [{"id": "/subscriptions/s/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-one", "name": "kv-one", "location": "westeurope", "tags": {"a": "b"},
          "properties": {"vaultUri": "https://kv-one.vault.azure.net/", "sku": {"family": "A", "name": "standard"}, "tenantId": "t", "enableRbacAuthorization": true, "enableSoftDelete": true, "enablePurgeProtection": true, "softDeleteRetentionInDays": 90, "publicNetworkAccess": "Disabled",
            "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": [], "virtualNetworkRules": [{"id": "/x/subnet"}]},
            "accessPolicies": [],
            "privateEndpointConnections": [{"id": "/x/pec", "properties": {"privateEndpoint": {"id": "/x/pe"}, "privateLinkServiceConnectionState": {"status": "Approved"}}}]}}]}
        """#
        let az = #"""
        [{"id": "/subscriptions/s/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-one", "location": "westeurope", "name": "kv-one", "resourceGroup": "rg-kv", "tags": {"a": "b"},
          "properties": {"accessPolicies": [], "enablePurgeProtection": true, "enableRbacAuthorization": true, "enableSoftDelete": true, "networkAcls": {"bypass": "AzureServices", "defaultAction": "Deny", "ipRules": [], "virtualNetworkRules": [{"id": "/x/subnet", "ignoreMissingVnetServiceEndpoint": false}]},
            "privateEndpointConnections": [{"id": "/x/pec", "privateEndpoint": {"id": "/x/pe"}, "privateLinkServiceConnectionState": {"status": "Approved"}}],
            "publicNetworkAccess": "Disabled", "sku": {"family": "A", "name": "standard"}, "softDeleteRetentionInDays": 90, "tenantId": "t", "vaultUri": "https://kv-one.vault.azure.net/"}}]
        """#
        let v1 = try DocumentImporter.keyVaults(from: data(rest), file: "keyvaults.json")
        let v2 = try DocumentImporter.keyVaults(from: data(az), file: "keyvaults.json")
        XCTAssertEqual(v1, v2)
        let v = try XCTUnwrap(v1.first)
        XCTAssertEqual(v.skuName, "standard")
        XCTAssertEqual(v.enableRbacAuthorization, true)
        XCTAssertEqual(v.accessPolicyCount, 0)
        XCTAssertEqual(v.virtualNetworkRuleCount, 1)
        XCTAssertEqual(v.networkDefaultAction, "Deny")
        XCTAssertEqual(v.privateEndpointConnections.first?.status, "Approved")
    }

    func testPrivateEndpointsZonesRolesAndDiagnostics() throws {
        let pe = #"""
        [{"name": "pe-acr", "id": "/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network/privateEndpoints/pe-acr", "location": "westeurope",
          "subnet": {"id": "/x/subnets/pe"},
          "privateLinkServiceConnections": [{"name": "c1", "privateLinkServiceId": "/x/registries/acrone", "groupIds": ["registry"], "privateLinkServiceConnectionState": {"status": "Approved"}}],
          "manualPrivateLinkServiceConnections": [{"name": "c2", "properties": {"privateLinkServiceId": "/x/vaults/kv", "groupIds": ["vault"], "privateLinkServiceConnectionState": {"status": "Pending"}}}],
          "privateDnsZoneGroups": [{"name": "default", "privateDnsZoneConfigs": [{"name": "cfg", "privateDnsZoneId": "/x/privateDnsZones/privatelink.azurecr.io"}]}],
          "customDnsConfigs": [{"fqdn": "acrone.azurecr.io", "ipAddresses": ["10.0.0.5"]}]}]
        """#
        let endpoints = try DocumentImporter.privateEndpoints(from: data(pe), file: "private-endpoints.json")
        XCTAssertEqual(endpoints.first?.resourceGroup, "rg-net")
        XCTAssertEqual(endpoints.first?.connections.map(\.status), ["Approved", "Pending"])
        XCTAssertEqual(endpoints.first?.connections.last?.groupIDs, ["vault"])
        XCTAssertEqual(endpoints.first?.dnsZoneGroups.first?.privateDNSZoneIDs, ["/x/privateDnsZones/privatelink.azurecr.io"])
        XCTAssertEqual(endpoints.first?.customDNSFQDNs, ["acrone.azurecr.io"])

        let zones = #"""
        [{"name": "privatelink.azurecr.io", "resourceGroup": "rg-dns", "numberOfRecordSets": 3,
          "virtualNetworkLinks": [{"name": "l1", "virtualNetwork": {"id": "/x/vnet"}, "registrationEnabled": false, "virtualNetworkLinkState": "Completed"}]},
         {"name": "privatelink.vaultcore.azure.net", "properties": {"numberOfRecordSets": 1}}]
        """#
        let z = try DocumentImporter.privateDNSZones(from: data(zones), file: "private-dns-zones.json")
        XCTAssertEqual(z.map(\.name), ["privatelink.azurecr.io", "privatelink.vaultcore.azure.net"])
        XCTAssertEqual(z[0].virtualNetworkLinks?.first?.virtualNetworkID, "/x/vnet")
        XCTAssertEqual(z[0].virtualNetworkLinks?.first?.linkState, "Completed")
        XCTAssertNil(z[1].virtualNetworkLinks, "links not collected stays nil")
        XCTAssertEqual(z[1].recordSetCount, 1)

        let roles = #"[{"id": "/x/ra1", "principalId": "p1", "principalName": "aks-one-agentpool", "principalType": "ServicePrincipal", "roleDefinitionName": "Owner", "roleDefinitionId": "/x/rd/owner", "scope": "/subscriptions/s"}, {"properties": {"principalId": "p2", "roleDefinitionId": "/x/rd/reader", "scope": "/x"}, "id": "/x/ra2"}]"#
        let r = try DocumentImporter.roleAssignments(from: data(roles), file: "role-assignments.json")
        XCTAssertEqual(r.map(\.principalID), ["p1", "p2"])
        XCTAssertEqual(r[0].roleDefinitionName, "Owner")
        XCTAssertEqual(r[1].roleDefinitionID, "/x/rd/reader")

        let diag = #"{"value": [{"id": "/x/ds", "name": "to-la", "properties": {"workspaceId": "/x/ws", "logs": [{"category": "kube-audit", "enabled": true}, {"categoryGroup": "allLogs", "enabled": "false"}]}}]}"#
        let d = try DocumentImporter.diagnosticSettings(from: data(diag), file: "diagnostic-settings.json")
        XCTAssertEqual(d.first?.workspaceID, "/x/ws")
        XCTAssertEqual(d.first?.logs, [.init(category: "kube-audit", enabled: true), .init(categoryGroup: "allLogs", enabled: false)])
    }
}
