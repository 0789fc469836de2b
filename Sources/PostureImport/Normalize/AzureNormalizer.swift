import Foundation
import PostureModel

/// Raw Azure documents (REST/ARM shape or az shape) → PostureModel values.
///
/// Secret-bearing fields (`servicePrincipalProfile.secret`, `windowsProfile.adminPassword`,
/// `aadProfile.serverAppSecret`, SSH key data, kubeconfigs) are never read, so they cannot
/// reach a model value.
enum AzureNormalizer {

    // MARK: Managed cluster

    static func cluster(_ root: JSONNode) throws -> ManagedCluster {
        var node = root
        // kubescape wraps the ARM resource: {"kind": "ClusterDescribe", "data": {...}}.
        if root.isObject, let kind = root["kind"], kind.stringEquals("ClusterDescribe"), let data = root["data"] {
            node = data
        }
        guard node.isObject else {
            throw ImportError(file: node.document.file, path: node.path,
                              message: "expected one managed cluster object, found \(node.kindDescription)")
        }
        let f = try Fields(resource: node, what: "a managed cluster object")
        var c = ManagedCluster(name: try f.requiredString("name"))
        c.id = try f.string("id")
        c.resourceGroup = try f.string("resourceGroup") ?? ARMID.resourceGroup(c.id)
        c.subscriptionID = try f.string("subscriptionId") ?? ARMID.subscription(c.id)
        c.location = try f.string("location")
        c.kubernetesVersion = try f.string("kubernetesVersion")
        c.currentKubernetesVersion = try f.string("currentKubernetesVersion")
        if let sku = try f.object("sku") {
            c.skuName = try sku.string("name")
            c.skuTier = try sku.string("tier")
        }
        c.supportPlan = try f.string("supportPlan")
        c.fqdn = try f.string("fqdn")
        c.privateFQDN = try f.string("privateFQDN")
        c.nodeResourceGroup = try f.string("nodeResourceGroup")
        c.provisioningState = try f.string("provisioningState")
        if let power = f.value("powerState") {
            c.powerState = power.isObject ? try Fields(object: power).string("code") : try Fields.string(power)
        }
        c.tags = try f.stringMap("tags") ?? [:]

        c.enableRBAC = try f.bool("enableRBAC")
        c.disableLocalAccounts = try f.bool("disableLocalAccounts")
        if let aad = try f.object("aadProfile") {
            var a = AADProfile()
            a.managed = try aad.bool("managed")
            a.enableAzureRBAC = try aad.bool("enableAzureRBAC")
            a.adminGroupObjectIDs = try aad.strings("adminGroupObjectIDs") ?? []
            a.tenantID = try aad.string("tenantID")
            a.clientAppID = try aad.string("clientAppID")
            a.serverAppID = try aad.string("serverAppID")
            c.aad = a
        }
        if let api = try f.object("apiServerAccessProfile") {
            c.apiServer.enablePrivateCluster = try api.bool("enablePrivateCluster")
            c.apiServer.enablePrivateClusterPublicFQDN = try api.bool("enablePrivateClusterPublicFQDN")
            c.apiServer.authorizedIPRanges = try api.strings("authorizedIPRanges")
            c.apiServer.disableRunCommand = try api.bool("disableRunCommand")
            c.apiServer.privateDNSZone = try api.string("privateDNSZone")
            c.apiServer.enableVnetIntegration = try api.bool("enableVnetIntegration")
        }

        if let identity = try f.object("identity") {
            c.identityType = try identity.string("type")
            c.identityPrincipalID = try identity.string("principalId")
            if let uai = try identity.object("userAssignedIdentities") {
                var refs: [ManagedIdentityRef] = []
                try uai.primary.forEachMember { key, value in
                    var ref = ManagedIdentityRef(resourceID: key.stringValue)
                    if value.isObject {
                        let v = try Fields(object: value)
                        ref.clientID = try v.string("clientId")
                        ref.principalID = try v.string("principalId")
                        ref.objectID = try v.string("objectId")
                    }
                    refs.append(ref)
                }
                c.userAssignedIdentities = refs
            }
        }
        if let sp = try f.object("servicePrincipalProfile") {
            c.servicePrincipalClientID = try sp.string("clientId")
        }
        if let ip = try f.object("identityProfile"), let kubelet = try ip.object("kubeletidentity") {
            c.kubeletIdentity = try identityRef(kubelet)
        }
        if let oidc = try f.object("oidcIssuerProfile") {
            c.oidcIssuerEnabled = try oidc.bool("enabled")
            c.oidcIssuerURL = try oidc.string("issuerURL")
        }
        if let pod = try f.object("podIdentityProfile") {
            c.podIdentityEnabled = try pod.bool("enabled")
        }

        if let net = try f.object("networkProfile") {
            c.network.networkPlugin = try net.string("networkPlugin")
            c.network.networkPluginMode = try net.string("networkPluginMode")
            c.network.networkPolicy = try net.string("networkPolicy")
            c.network.networkDataplane = try net.string("networkDataplane")
            c.network.outboundType = try net.string("outboundType")
            c.network.podCIDR = try net.string("podCidr")
            c.network.serviceCIDR = try net.string("serviceCidr")
            c.network.loadBalancerSKU = try net.string("loadBalancerSku")
        }

        if let addons = try f.object("addonProfiles") {
            try addons.primary.forEachMember { key, value in
                guard !value.isNull else { return }
                let a = try Fields(object: value)
                var profile = AddonProfile(enabled: try a.bool("enabled"))
                if let config = a.value("config") {
                    profile.config = try Fields.stringMap(config)
                }
                if let identity = try a.object("identity") {
                    profile.identityClientID = try identity.string("clientId")
                }
                c.addons[(key.stringValue ?? "").lowercased()] = profile
            }
        }

        if let sec = try f.object("securityProfile") {
            if let wi = try sec.object("workloadIdentity") {
                c.workloadIdentityEnabled = try wi.bool("enabled")
            }
            if let defender = try sec.object("defender") {
                c.defenderLogAnalyticsWorkspaceID = try defender.string("logAnalyticsWorkspaceResourceId")
                if let monitoring = try defender.object("securityMonitoring") {
                    c.defenderSecurityMonitoringEnabled = try monitoring.bool("enabled")
                }
            }
            if let kms = try sec.object("azureKeyVaultKms") {
                var k = KMSProfile()
                k.enabled = try kms.bool("enabled")
                k.keyID = try kms.string("keyId")
                k.keyVaultNetworkAccess = try kms.string("keyVaultNetworkAccess")
                k.keyVaultResourceID = try kms.string("keyVaultResourceId")
                c.kms = k
            }
            if let enc = try sec.object("kubernetesResourceObjectEncryptionProfile") {
                c.infrastructureEncryption = try enc.string("infrastructureEncryption")
            }
            if let cleaner = try sec.object("imageCleaner") {
                c.imageCleanerEnabled = try cleaner.bool("enabled")
            }
            if let integrity = try sec.object("imageIntegrity") {
                c.imageIntegrityEnabled = try integrity.bool("enabled")
            }
        }
        c.diskEncryptionSetID = try f.string("diskEncryptionSetID")

        if let upgrade = try f.object("autoUpgradeProfile") {
            c.upgradeChannel = try upgrade.string("upgradeChannel")
            c.nodeOSUpgradeChannel = try upgrade.string("nodeOSUpgradeChannel")
        }
        if let linux = try f.object("linuxProfile") {
            c.linuxAdminUsername = try linux.string("adminUsername")
            if let ssh = try linux.object("ssh") {
                c.linuxSSHKeyCount = try ssh.count("publicKeys") ?? 0
            }
        }
        if let windows = try f.object("windowsProfile") {
            c.windowsAdminUsername = try windows.string("adminUsername")
        }
        if let pools = try f.list("agentPoolProfiles") {
            c.agentPoolProfiles = try pools.map(nodePool)
        }
        return c
    }

    static func identityRef(_ f: Fields) throws -> ManagedIdentityRef {
        ManagedIdentityRef(resourceID: try f.string("resourceId"), clientID: try f.string("clientId"),
                           objectID: try f.string("objectId"), principalID: try f.string("principalId"))
    }

    // MARK: Node pools

    static func nodePool(_ node: JSONNode) throws -> NodePool {
        let f = try Fields(resource: node, what: "a node pool object")
        var p = NodePool(name: try f.requiredString("name"))
        p.mode = try f.string("mode")
        p.count = try f.int("count")
        p.vmSize = try f.string("vmSize")
        p.osType = try f.string("osType")
        p.osSKU = try f.string("osSKU")
        p.orchestratorVersion = try f.string("orchestratorVersion")
        p.currentOrchestratorVersion = try f.string("currentOrchestratorVersion")
        p.nodeImageVersion = try f.string("nodeImageVersion")
        p.enableNodePublicIP = try f.bool("enableNodePublicIP")
        p.nodePublicIPPrefixID = try f.string("nodePublicIPPrefixID")
        p.enableEncryptionAtHost = try f.bool("enableEncryptionAtHost")
        p.enableFIPS = try f.bool("enableFIPS")
        if let sec = try f.object("securityProfile") {
            p.sshAccess = try sec.string("sshAccess")
        }
        p.osDiskType = try f.string("osDiskType")
        p.maxPods = try f.int("maxPods")
        // The ARM sub-resource `type` is `Microsoft.ContainerService/managedClusters/agentPools`, not the
        // pool type; az prints the pool type as `typePropertiesType` to avoid the clash.
        p.type = try f.string("typePropertiesType") ?? f.string("type")
        if let t = p.type, t.contains("/") { p.type = nil }
        p.availabilityZones = try f.strings("availabilityZones") ?? []
        p.vnetSubnetID = try f.string("vnetSubnetID")
        p.provisioningState = try f.string("provisioningState")
        return p
    }

    // MARK: Registries, vaults, endpoints, DNS

    static func privateEndpointConnection(_ node: JSONNode) throws -> PrivateEndpointConnection {
        let f = try Fields(resource: node, what: "a private endpoint connection object")
        var c = PrivateEndpointConnection()
        c.id = try f.string("id")
        c.name = try f.string("name")
        if let pe = try f.object("privateEndpoint") { c.privateEndpointID = try pe.string("id") }
        if let state = try f.object("privateLinkServiceConnectionState") { c.status = try state.string("status") }
        c.groupIDs = try f.strings("groupIds") ?? []
        return c
    }

    static func registry(_ node: JSONNode) throws -> ContainerRegistry {
        let f = try Fields(resource: node, what: "a container registry object")
        var r = ContainerRegistry(name: try f.requiredString("name"))
        r.id = try f.string("id")
        r.resourceGroup = try f.string("resourceGroup") ?? ARMID.resourceGroup(r.id)
        r.location = try f.string("location")
        r.loginServer = try f.string("loginServer")
        if let sku = try f.object("sku") { r.skuName = try sku.string("name") }
        r.adminUserEnabled = try f.bool("adminUserEnabled")
        r.anonymousPullEnabled = try f.bool("anonymousPullEnabled")
        r.publicNetworkAccess = try f.string("publicNetworkAccess")
        if let rules = try f.object("networkRuleSet") {
            r.networkRuleDefaultAction = try rules.string("defaultAction")
            r.ipRuleCount = try rules.count("ipRules") ?? 0
        }
        if let policies = try f.object("policies"), let arm = try policies.object("azureADAuthenticationAsArmPolicy") {
            r.armAudienceTokenPolicyStatus = try arm.string("status")
        }
        r.dataEndpointEnabled = try f.bool("dataEndpointEnabled")
        r.privateEndpointConnections = try (f.list("privateEndpointConnections") ?? []).map(privateEndpointConnection)
        r.tags = try f.stringMap("tags") ?? [:]
        return r
    }

    static func keyVault(_ node: JSONNode) throws -> KeyVault {
        let f = try Fields(resource: node, what: "a key vault object")
        var v = KeyVault(name: try f.requiredString("name"))
        v.id = try f.string("id")
        v.resourceGroup = try f.string("resourceGroup") ?? ARMID.resourceGroup(v.id)
        v.location = try f.string("location")
        v.vaultURI = try f.string("vaultUri")
        if let sku = try f.object("sku") { v.skuName = try sku.string("name") }
        v.enableRbacAuthorization = try f.bool("enableRbacAuthorization")
        v.enableSoftDelete = try f.bool("enableSoftDelete")
        v.enablePurgeProtection = try f.bool("enablePurgeProtection")
        v.softDeleteRetentionInDays = try f.int("softDeleteRetentionInDays")
        v.publicNetworkAccess = try f.string("publicNetworkAccess")
        if let acls = try f.object("networkAcls") {
            v.networkDefaultAction = try acls.string("defaultAction")
            v.networkBypass = try acls.string("bypass")
            v.ipRuleCount = try acls.count("ipRules") ?? 0
            v.virtualNetworkRuleCount = try acls.count("virtualNetworkRules") ?? 0
        }
        v.accessPolicyCount = try f.count("accessPolicies")
        v.privateEndpointConnections = try (f.list("privateEndpointConnections") ?? []).map(privateEndpointConnection)
        v.tags = try f.stringMap("tags") ?? [:]
        return v
    }

    static func privateEndpoint(_ node: JSONNode) throws -> PrivateEndpoint {
        let f = try Fields(resource: node, what: "a private endpoint object")
        var e = PrivateEndpoint(name: try f.requiredString("name"))
        e.id = try f.string("id")
        e.resourceGroup = try f.string("resourceGroup") ?? ARMID.resourceGroup(e.id)
        e.location = try f.string("location")
        if let subnet = try f.object("subnet") { e.subnetID = try subnet.string("id") }
        for key in ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"] {
            for item in try f.list(key) ?? [] {
                let cf = try Fields(resource: item)
                var conn = PrivateEndpoint.Connection()
                conn.name = try cf.string("name")
                conn.privateLinkServiceID = try cf.string("privateLinkServiceId")
                conn.groupIDs = try cf.strings("groupIds") ?? []
                if let state = try cf.object("privateLinkServiceConnectionState") { conn.status = try state.string("status") }
                e.connections.append(conn)
            }
        }
        for item in try f.list("privateDnsZoneGroups") ?? [] {
            let gf = try Fields(resource: item)
            var group = PrivateEndpoint.DNSZoneGroup()
            group.name = try gf.string("name")
            for config in try gf.list("privateDnsZoneConfigs") ?? [] {
                if let id = try Fields(resource: config).string("privateDnsZoneId") { group.privateDNSZoneIDs.append(id) }
            }
            e.dnsZoneGroups.append(group)
        }
        for item in try f.list("customDnsConfigs") ?? [] {
            if let fqdn = try Fields(object: item).string("fqdn") { e.customDNSFQDNs.append(fqdn) }
        }
        return e
    }

    static func privateDNSZone(_ node: JSONNode) throws -> PrivateDNSZone {
        let f = try Fields(resource: node, what: "a private DNS zone object")
        var z = PrivateDNSZone(name: try f.requiredString("name"))
        z.id = try f.string("id")
        z.resourceGroup = try f.string("resourceGroup") ?? ARMID.resourceGroup(z.id)
        z.recordSetCount = try f.int("numberOfRecordSets")
        if let links = f.value("virtualNetworkLinks") {
            z.virtualNetworkLinks = try Fields.list(links).map { item in
                let lf = try Fields(resource: item, what: "a virtual network link object")
                var link = PrivateDNSZone.VirtualNetworkLink()
                link.name = try lf.string("name")
                if let vnet = try lf.object("virtualNetwork") { link.virtualNetworkID = try vnet.string("id") }
                link.registrationEnabled = try lf.bool("registrationEnabled")
                link.linkState = try lf.string("virtualNetworkLinkState")
                return link
            }
        }
        return z
    }

    static func roleAssignment(_ node: JSONNode) throws -> RoleAssignment {
        let f = try Fields(resource: node, what: "a role assignment object")
        var r = RoleAssignment()
        r.id = try f.string("id")
        r.principalID = try f.string("principalId")
        r.principalName = try f.string("principalName")
        r.principalType = try f.string("principalType")
        r.roleDefinitionName = try f.string("roleDefinitionName")
        r.roleDefinitionID = try f.string("roleDefinitionId")
        r.scope = try f.string("scope")
        return r
    }

    static func diagnosticSetting(_ node: JSONNode) throws -> DiagnosticSetting {
        let f = try Fields(resource: node, what: "a diagnostic setting object")
        var d = DiagnosticSetting(name: try f.requiredString("name"))
        d.id = try f.string("id")
        for item in try f.list("logs") ?? [] {
            let lf = try Fields(object: item)
            d.logs.append(.init(category: try lf.string("category"), categoryGroup: try lf.string("categoryGroup"),
                                enabled: try lf.bool("enabled") ?? false))
        }
        d.workspaceID = try f.string("workspaceId")
        d.storageAccountID = try f.string("storageAccountId")
        d.eventHubAuthorizationRuleID = try f.string("eventHubAuthorizationRuleId")
        return d
    }
}
