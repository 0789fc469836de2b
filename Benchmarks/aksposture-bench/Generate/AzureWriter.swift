import Foundation

/// Writes the Azure-side documents of a bundle in the flattened shape `az … -o json` prints
/// (2-space indentation, keys sorted, many explicit nulls).
struct AzureWriter {
    let l: ClusterLayout
    let dir: String

    var clusterID: String { "/subscriptions/\(l.subscriptionID)/resourcegroups/\(l.resourceGroup)/providers/Microsoft.ContainerService/managedClusters/\(l.clusterName)" }
    var location: String { "westeurope" }
    var vnetID: String { "/subscriptions/\(l.subscriptionID)/resourceGroups/\(l.resourceGroup)-net/providers/Microsoft.Network/virtualNetworks/vnet-aks" }

    func writeAll() throws {
        try write("cluster.json") { w in cluster(w) }
        try write("nodepools.json") { w in w.array { for p in l.poolNames.indices { nodePool(w, p, standalone: true) } } }
        try write("acr.json") { w in w.array { for i in 0..<2 { registry(w, i) } } }
        try write("keyvaults.json") { w in w.array { for i in 0..<max(2, min(40, l.scale.namespaces / 25)) { keyVault(w, i) } } }
        try write("private-endpoints.json") { w in w.array { for i in 0..<3 { privateEndpoint(w, i) } } }
        try write("private-dns-zones.json") { w in w.array { for (i, z) in ["privatelink.azurecr.io", "privatelink.vaultcore.azure.net", "privatelink.westeurope.azmk8s.io"].enumerated() { dnsZone(w, i, z) } } }
        try write("role-assignments.json") { w in w.array { roleAssignments(w) } }
        try write("diagnostic-settings.json") { w in w.array { diagnostics(w) } }
    }

    private func write(_ file: String, _ body: (JSONStreamWriter) -> Void) throws {
        let w = try JSONStreamWriter(path: "\(dir)/\(file)", indent: 2)
        body(w)
        try w.close()
    }

    private func cluster(_ w: JSONStreamWriter) {
        var d = Draw(l.seed, .azure, 1)
        let kubelet = d.uuid(), kubeletObj = d.uuid(), principal = d.uuid()
        w.object {
            w.object("aadProfile") {
                w.stringArray("adminGroupObjectIDs", [d.uuid()])
                w.nullField("clientAppId")
                w.field("enableAzureRbac", d.chance(0.5))
                w.field("managed", true)
                w.nullField("serverAppId")
                w.nullField("serverAppSecret")
                w.field("tenantId", l.tenantID)
            }
            w.object("addonProfiles") {
                w.object("azureKeyvaultSecretsProvider") {
                    w.object("config") { w.field("enableSecretRotation", "true"); w.field("rotationPollInterval", "2m") }
                    w.field("enabled", true)
                    w.object("identity") {
                        w.field("clientId", d.uuid()); w.field("objectId", d.uuid())
                        w.field("resourceId", "/subscriptions/\(l.subscriptionID)/resourcegroups/MC_\(l.resourceGroup)_\(l.clusterName)_\(location)/providers/Microsoft.ManagedIdentity/userAssignedIdentities/azurekeyvaultsecretsprovider-\(l.clusterName)")
                    }
                }
                w.object("azurepolicy") { w.nullField("config"); w.field("enabled", true); w.nullField("identity") }
                w.object("omsagent") {
                    w.object("config") { w.field("logAnalyticsWorkspaceResourceID", "/subscriptions/\(l.subscriptionID)/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-bench"); w.field("useAADAuth", "true") }
                    w.field("enabled", true); w.nullField("identity")
                }
            }
            w.array("agentPoolProfiles") { for p in l.poolNames.indices { nodePool(w, p, standalone: false) } }
            w.nullField("aiToolchainOperatorProfile")
            w.object("apiServerAccessProfile") {
                w.stringArray("authorizedIpRanges", ["203.0.113.0/24", "198.51.100.7/32"])
                w.field("disableRunCommand", false)
                w.field("enablePrivateCluster", false)
                w.nullField("enablePrivateClusterPublicFqdn")
                w.nullField("enableVnetIntegration")
                w.nullField("privateDnsZone")
                w.nullField("subnetId")
            }
            w.object("autoUpgradeProfile") { w.field("nodeOsUpgradeChannel", "NodeImage"); w.field("upgradeChannel", "patch") }
            w.field("azurePortalFqdn", "\(l.clusterName)-dns-\(d.hex(8)).portal.hcp.\(location).azmk8s.io")
            w.field("currentKubernetesVersion", "1.31.2")
            w.field("disableLocalAccounts", d.chance(0.5))
            w.nullField("diskEncryptionSetId")
            w.field("dnsPrefix", "\(l.clusterName)-dns")
            w.field("enableRbac", true)
            w.field("fqdn", "\(l.clusterName)-dns-\(d.hex(8)).hcp.\(location).azmk8s.io")
            w.field("id", "/subscriptions/\(l.subscriptionID)/resourcegroups/\(l.resourceGroup)/providers/Microsoft.ContainerService/managedClusters/\(l.clusterName)")
            w.object("identity") {
                w.field("principalId", principal); w.field("tenantId", l.tenantID); w.field("type", "SystemAssigned"); w.nullField("userAssignedIdentities")
            }
            w.object("identityProfile") {
                w.object("kubeletidentity") {
                    w.field("clientId", kubelet); w.field("objectId", kubeletObj)
                    w.field("resourceId", "/subscriptions/\(l.subscriptionID)/resourcegroups/MC_\(l.resourceGroup)_\(l.clusterName)_\(location)/providers/Microsoft.ManagedIdentity/userAssignedIdentities/\(l.clusterName)-agentpool")
                }
            }
            w.field("kubernetesVersion", "1.31")
            w.object("linuxProfile") {
                w.field("adminUsername", "azureuser")
                w.object("ssh") { w.array("publicKeys") { w.object { w.field("keyData", "ssh-rsa FAKE-bench-public-key-not-real azureuser") } } }
            }
            w.field("location", location)
            w.field("maxAgentPools", 100)
            w.field("name", l.clusterName)
            w.object("networkProfile") {
                w.field("dnsServiceIp", "10.0.0.10")
                w.stringArray("ipFamilies", ["IPv4"])
                w.field("loadBalancerSku", "standard")
                w.field("networkDataplane", "cilium")
                w.field("networkPlugin", "azure")
                w.field("networkPluginMode", "overlay")
                w.field("networkPolicy", "cilium")
                w.field("outboundType", "loadBalancer")
                w.field("podCidr", "10.244.0.0/16")
                w.field("serviceCidr", "10.0.0.0/16")
            }
            w.field("nodeResourceGroup", "MC_\(l.resourceGroup)_\(l.clusterName)_\(location)")
            w.object("oidcIssuerProfile") { w.field("enabled", true); w.field("issuerUrl", "https://\(location).oic.prod-aks.azure.com/\(l.tenantID)/\(d.uuid())/") }
            w.object("powerState") { w.field("code", "Running") }
            w.field("provisioningState", "Succeeded")
            w.field("resourceGroup", l.resourceGroup)
            w.object("securityProfile") {
                w.nullField("azureKeyVaultKms")
                w.object("defender") {
                    w.field("logAnalyticsWorkspaceResourceId", "/subscriptions/\(l.subscriptionID)/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-bench")
                    w.object("securityMonitoring") { w.field("enabled", true) }
                }
                w.object("imageCleaner") { w.field("enabled", true); w.field("intervalHours", 168) }
                w.object("workloadIdentity") { w.field("enabled", true) }
            }
            w.object("servicePrincipalProfile") { w.field("clientId", "msi") }
            w.object("sku") { w.field("name", "Base"); w.field("tier", "Standard") }
            w.field("supportPlan", "KubernetesOfficial")
            w.object("tags") { w.field("costCenter", "bench"); w.field("env", "synthetic") }
            w.field("type", "Microsoft.ContainerService/ManagedClusters")
            w.nullField("windowsProfile")
        }
    }

    private func nodePool(_ w: JSONStreamWriter, _ p: Int, standalone: Bool) {
        var d = Draw(l.seed, .nodePool, p, 9)
        let name = l.poolNames[p]
        w.object {
            w.stringArray("availabilityZones", ["1", "2", "3"])
            w.field("count", l.poolNodeCounts[p])
            w.field("currentOrchestratorVersion", "1.31.2")
            w.field("enableAutoScaling", d.chance(0.5))
            w.field("enableEncryptionAtHost", d.chance(0.6))
            w.field("enableFips", false)
            w.field("enableNodePublicIp", p > 0 && d.chance(0.05))
            if standalone { w.field("id", "\(clusterID)/agentPools/\(name)") }
            w.field("maxPods", 250)
            w.field("mode", p == 0 ? "System" : "User")
            w.field("name", name)
            w.field("nodeImageVersion", "AKSUbuntu-2204gen2containerd-202411.12.0")
            w.nullField("nodePublicIpPrefixId")
            w.field("orchestratorVersion", "1.31.2")
            w.field("osDiskSizeGb", 128)
            w.field("osDiskType", d.chance(0.5) ? "Ephemeral" : "Managed")
            w.field("osSku", d.chance(0.3) ? "AzureLinux" : "Ubuntu")
            w.field("osType", "Linux")
            w.object("powerState") { w.field("code", "Running") }
            w.field("provisioningState", "Succeeded")
            if standalone { w.field("resourceGroup", l.resourceGroup) }
            w.object("securityProfile") { w.field("enableSecureBoot", false); w.field("enableVtpm", false); w.field("sshAccess", d.chance(0.5) ? "Disabled" : "LocalUser") }
            w.field("type", "VirtualMachineScaleSets")
            w.object("upgradeSettings") { w.field("maxSurge", "10%") }
            w.field("vmSize", p == 0 ? "Standard_D4ds_v5" : "Standard_D16ds_v5")
            w.field("vnetSubnetId", "\(vnetID)/subnets/snet-\(name)")
        }
    }

    private func pec(_ w: JSONStreamWriter, _ target: String, _ i: Int, _ group: String) {
        w.object {
            w.field("id", "\(target)/privateEndpointConnections/pe-\(i)")
            w.field("name", "pe-\(i)")
            w.object("privateEndpoint") { w.field("id", "/subscriptions/\(l.subscriptionID)/resourceGroups/\(l.resourceGroup)-net/providers/Microsoft.Network/privateEndpoints/pe-\(group)-\(i)") }
            w.object("privateLinkServiceConnectionState") { w.field("actionsRequired", "None"); w.field("description", "Auto-Approved"); w.field("status", "Approved") }
            w.field("provisioningState", "Succeeded")
        }
    }

    private func registry(_ w: JSONStreamWriter, _ i: Int) {
        let name = i == 0 ? l.acrName : "\(l.acrName)dev"
        let id = "/subscriptions/\(l.subscriptionID)/resourceGroups/\(l.resourceGroup)/providers/Microsoft.ContainerRegistry/registries/\(name)"
        w.object {
            w.field("adminUserEnabled", i == 1)
            w.field("anonymousPullEnabled", false)
            w.field("creationDate", "2024-03-01T10:00:00.000000+00:00")
            w.field("dataEndpointEnabled", false)
            w.array("dataEndpointHostNames") {}
            w.object("encryption") { w.nullField("keyVaultProperties"); w.field("status", "disabled") }
            w.field("id", id)
            w.nullField("identity")
            w.field("location", location)
            w.field("loginServer", "\(name).azurecr.io")
            w.field("name", name)
            w.field("networkRuleBypassOptions", "AzureServices")
            w.object("networkRuleSet") { w.field("defaultAction", i == 0 ? "Deny" : "Allow"); w.array("ipRules") {} }
            w.object("policies") {
                w.object("azureAdAuthenticationAsArmPolicy") { w.field("status", "enabled") }
                w.object("exportPolicy") { w.field("status", "enabled") }
                w.object("quarantinePolicy") { w.field("status", "disabled") }
                w.object("retentionPolicy") { w.field("days", 7); w.field("status", "disabled") }
                w.object("trustPolicy") { w.field("status", "disabled"); w.field("type", "Notary") }
            }
            w.array("privateEndpointConnections") { if i == 0 { pec(w, id, 0, "acr") } }
            w.field("provisioningState", "Succeeded")
            w.field("publicNetworkAccess", i == 0 ? "Disabled" : "Enabled")
            w.field("resourceGroup", l.resourceGroup)
            w.object("sku") { w.field("name", i == 0 ? "Premium" : "Basic"); w.field("tier", i == 0 ? "Premium" : "Basic") }
            w.object("tags") {}
            w.field("type", "Microsoft.ContainerRegistry/registries")
            w.field("zoneRedundancy", "Disabled")
        }
    }

    private func keyVault(_ w: JSONStreamWriter, _ i: Int) {
        var d = Draw(l.seed, .azure, 100 + i)
        let name = "kv-bench-\(i)-\(d.hex(4))"
        let id = "/subscriptions/\(l.subscriptionID)/resourceGroups/\(l.resourceGroup)/providers/Microsoft.KeyVault/vaults/\(name)"
        let rbac = d.chance(0.7)
        w.object {
            w.field("id", id)
            w.field("location", location)
            w.field("name", name)
            w.object("properties") {
                w.array("accessPolicies") {
                    if !rbac {
                        w.object {
                            w.nullField("applicationId"); w.field("objectId", d.uuid())
                            w.object("permissions") { w.nullField("certificates"); w.stringArray("keys", ["get"]); w.stringArray("secrets", ["get", "list"]); w.nullField("storage") }
                            w.field("tenantId", l.tenantID)
                        }
                    }
                }
                w.nullField("createMode")
                if d.chance(0.6) { w.field("enablePurgeProtection", true) } else { w.nullField("enablePurgeProtection") }
                w.field("enableRbacAuthorization", rbac)
                w.field("enableSoftDelete", true)
                w.field("enabledForDeployment", false)
                w.field("enabledForDiskEncryption", false)
                w.field("enabledForTemplateDeployment", false)
                w.field("hsmPoolResourceId", nil as String?)
                w.object("networkAcls") {
                    w.field("bypass", "AzureServices")
                    w.field("defaultAction", d.chance(0.5) ? "Deny" : "Allow")
                    w.array("ipRules") { w.object { w.field("value", "203.0.113.0/24") } }
                    w.array("virtualNetworkRules") {}
                }
                w.array("privateEndpointConnections") { if i == 0 { pec(w, id, 1, "kv") } }
                w.field("provisioningState", "Succeeded")
                w.field("publicNetworkAccess", i == 0 ? "Disabled" : "Enabled")
                w.object("sku") { w.field("family", "A"); w.field("name", "standard") }
                w.field("softDeleteRetentionInDays", 90)
                w.field("tenantId", l.tenantID)
                w.field("vaultUri", "https://\(name).vault.azure.net/")
            }
            w.field("resourceGroup", l.resourceGroup)
            w.object("systemData") { w.field("createdAt", "2024-03-01T10:00:00+00:00"); w.field("createdBy", "bench@contoso.example"); w.field("createdByType", "User") }
            w.object("tags") {}
            w.field("type", "Microsoft.KeyVault/vaults")
        }
    }

    private func privateEndpoint(_ w: JSONStreamWriter, _ i: Int) {
        let group = ["registry", "vault", "management"][i]
        let zone = ["privatelink.azurecr.io", "privatelink.vaultcore.azure.net", "privatelink.westeurope.azmk8s.io"][i]
        let name = "pe-\(["acr", "kv", "aks"][i])-\(i)"
        let id = "/subscriptions/\(l.subscriptionID)/resourceGroups/\(l.resourceGroup)-net/providers/Microsoft.Network/privateEndpoints/\(name)"
        w.object {
            w.array("customDnsConfigs") { w.object { w.field("fqdn", "\(name).\(zone)"); w.stringArray("ipAddresses", ["10.225.0.\(4 + i)"]) } }
            w.field("etag", "W/\"\(l.subscriptionID)\"")
            w.field("id", id)
            w.field("location", location)
            w.array("manualPrivateLinkServiceConnections") {}
            w.field("name", name)
            w.array("networkInterfaces") { w.object { w.field("id", "/subscriptions/\(l.subscriptionID)/resourceGroups/\(l.resourceGroup)-net/providers/Microsoft.Network/networkInterfaces/\(name).nic") } }
            w.array("privateDnsZoneGroups") {
                w.object {
                    w.field("name", "default")
                    w.array("privateDnsZoneConfigs") {
                        w.object { w.field("name", zone.replacingOccurrences(of: ".", with: "-")); w.field("privateDnsZoneId", "/subscriptions/\(l.subscriptionID)/resourceGroups/\(l.resourceGroup)-net/providers/Microsoft.Network/privateDnsZones/\(zone)") }
                    }
                }
            }
            w.array("privateLinkServiceConnections") {
                w.object {
                    w.stringArray("groupIds", [group])
                    w.field("name", name)
                    w.object("privateLinkServiceConnectionState") { w.field("actionsRequired", "None"); w.field("description", "Auto-Approved"); w.field("status", "Approved") }
                    w.field("privateLinkServiceId", i == 0 ? "/subscriptions/\(l.subscriptionID)/resourceGroups/\(l.resourceGroup)/providers/Microsoft.ContainerRegistry/registries/\(l.acrName)" : clusterID)
                    w.field("provisioningState", "Succeeded")
                }
            }
            w.field("provisioningState", "Succeeded")
            w.field("resourceGroup", "\(l.resourceGroup)-net")
            w.object("subnet") { w.field("id", "\(vnetID)/subnets/snet-endpoints") }
            w.field("type", "Microsoft.Network/privateEndpoints")
        }
    }

    private func dnsZone(_ w: JSONStreamWriter, _ i: Int, _ zone: String) {
        let id = "/subscriptions/\(l.subscriptionID)/resourceGroups/\(l.resourceGroup)-net/providers/Microsoft.Network/privateDnsZones/\(zone)"
        w.object {
            w.field("etag", "\(l.tenantID)")
            w.field("id", id)
            w.field("location", "global")
            w.field("maxNumberOfRecordSets", 25000)
            w.field("maxNumberOfVirtualNetworkLinks", 1000)
            w.field("maxNumberOfVirtualNetworkLinksWithRegistration", 100)
            w.field("name", zone)
            w.field("numberOfRecordSets", 2 + i)
            w.field("numberOfVirtualNetworkLinks", 1)
            w.field("numberOfVirtualNetworkLinksWithRegistration", 0)
            w.field("provisioningState", "Succeeded")
            w.field("resourceGroup", "\(l.resourceGroup)-net")
            w.field("type", "Microsoft.Network/privateDnsZones")
            w.array("virtualNetworkLinks") {
                w.object {
                    w.field("etag", "\"0b00fake-0000-0100-0000-000000000000\"")
                    w.field("id", "\(id)/virtualNetworkLinks/link-aks")
                    w.field("location", "global")
                    w.field("name", "link-aks")
                    w.field("provisioningState", "Succeeded")
                    w.field("registrationEnabled", false)
                    w.field("resourceGroup", "\(l.resourceGroup)-net")
                    w.field("type", "Microsoft.Network/privateDnsZones/virtualNetworkLinks")
                    w.object("virtualNetwork") { w.field("id", vnetID) }
                    w.field("virtualNetworkLinkState", "Completed")
                }
            }
        }
    }

    private func roleAssignments(_ w: JSONStreamWriter) {
        var d = Draw(l.seed, .azure, 7)
        for (role, scope) in [("AcrPull", "/subscriptions/\(l.subscriptionID)/resourceGroups/\(l.resourceGroup)/providers/Microsoft.ContainerRegistry/registries/\(l.acrName)"),
                              ("Network Contributor", vnetID), ("Key Vault Secrets User", "/subscriptions/\(l.subscriptionID)/resourceGroups/\(l.resourceGroup)")] {
            w.object {
                w.field("condition", nil as String?)
                w.field("id", "\(scope)/providers/Microsoft.Authorization/roleAssignments/\(d.uuid())")
                w.field("name", d.uuid())
                w.field("principalId", d.uuid())
                w.field("principalName", d.uuid())
                w.field("principalType", "ServicePrincipal")
                w.field("roleDefinitionId", "/subscriptions/\(l.subscriptionID)/providers/Microsoft.Authorization/roleDefinitions/\(d.uuid())")
                w.field("roleDefinitionName", role)
                w.field("scope", scope)
                w.field("type", "Microsoft.Authorization/roleAssignments")
            }
        }
    }

    private func diagnostics(_ w: JSONStreamWriter) {
        w.object {
            w.nullField("eventHubAuthorizationRuleId")
            w.field("id", "\(clusterID)/providers/microsoft.insights/diagnosticSettings/aks-diagnostics")
            w.array("logs") {
                for c in ["kube-apiserver", "kube-audit-admin", "kube-controller-manager", "guard"] {
                    w.object { w.field("category", c); w.nullField("categoryGroup"); w.field("enabled", true) }
                }
            }
            w.field("name", "aks-diagnostics")
            w.nullField("storageAccountId")
            w.field("workspaceId", "/subscriptions/\(l.subscriptionID)/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-bench")
        }
    }
}
