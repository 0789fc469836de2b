import Foundation

/// Hand-written fixtures in the real shapes (REST/ARM with `properties`, and the flattened shape
/// `az … -o json` prints). Every id and value is made up.
enum Fixtures {
    static let clusterID = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-posture/providers/Microsoft.ContainerService/managedClusters/aks-one"

    /// REST GET shape: settings under `properties`, swagger casing.
    static let clusterREST = """
    {
      "id": "\(clusterID)",
      "location": "westeurope",
      "name": "aks-one",
      "type": "Microsoft.ContainerService/ManagedClusters",
      "tags": {"env": "prod", "cost": 12},
      "sku": {"name": "Base", "tier": "Standard"},
      "identity": {
        "type": "UserAssigned",
        "userAssignedIdentities": {
          "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-posture/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cp-id": {"clientId": "cp-client", "principalId": "cp-principal"}
        }
      },
      "properties": {
        "provisioningState": "Succeeded",
        "powerState": {"code": "Running"},
        "kubernetesVersion": "1.31",
        "currentKubernetesVersion": "1.31.2",
        "dnsPrefix": "aksone",
        "fqdn": "aksone-abc.hcp.westeurope.azmk8s.io",
        "privateFQDN": "aksone-abc.privatelink.westeurope.azmk8s.io",
        "supportPlan": "KubernetesOfficial",
        "nodeResourceGroup": "MC_rg-posture_aks-one_westeurope",
        "enableRBAC": true,
        "disableLocalAccounts": true,
        "aadProfile": {"managed": true, "enableAzureRBAC": true, "adminGroupObjectIDs": ["grp-1", "grp-2"], "tenantID": "tenant-1"},
        "apiServerAccessProfile": {"enablePrivateCluster": true, "enablePrivateClusterPublicFQDN": false, "authorizedIPRanges": [], "disableRunCommand": true, "privateDNSZone": "system", "enableVnetIntegration": false},
        "servicePrincipalProfile": {"clientId": "msi"},
        "identityProfile": {"kubeletidentity": {"resourceId": "/subscriptions/x/resourceGroups/MC/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-one-agentpool", "clientId": "kubelet-client", "objectId": "kubelet-object"}},
        "oidcIssuerProfile": {"enabled": true, "issuerURL": "https://westeurope.oic.prod-aks.azure.com/tenant-1/abc/"},
        "podIdentityProfile": {"enabled": false},
        "securityProfile": {
          "workloadIdentity": {"enabled": true},
          "defender": {"logAnalyticsWorkspaceResourceId": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws", "securityMonitoring": {"enabled": true}},
          "azureKeyVaultKms": {"enabled": true, "keyId": "https://kv-one.vault.azure.net/keys/etcd/1", "keyVaultNetworkAccess": "Private", "keyVaultResourceId": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-one"},
          "imageCleaner": {"enabled": true, "intervalHours": 48},
          "imageIntegrity": {"enabled": false},
          "kubernetesResourceObjectEncryptionProfile": {"infrastructureEncryption": "Enabled"}
        },
        "diskEncryptionSetID": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des",
        "networkProfile": {"networkPlugin": "azure", "networkPluginMode": "overlay", "networkPolicy": "cilium", "networkDataplane": "cilium", "outboundType": "userDefinedRouting", "podCidr": "10.244.0.0/16", "serviceCidr": "10.0.0.0/16", "loadBalancerSku": "standard"},
        "addonProfiles": {
          "azurePolicy": {"enabled": true, "config": null},
          "omsAgent": {"enabled": true, "config": {"logAnalyticsWorkspaceResourceID": "/subscriptions/x/ws"}},
          "azureKeyvaultSecretsProvider": {"enabled": true, "config": {"enableSecretRotation": "true", "rotationPollInterval": "2m"}, "identity": {"clientId": "kvsp-client", "objectId": "kvsp-object", "resourceId": "/x/kvsp"}}
        },
        "autoUpgradeProfile": {"upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage"},
        "linuxProfile": {"adminUsername": "azureuser", "ssh": {"publicKeys": [{"keyData": "ssh-rsa AAAAfixture"}]}},
        "windowsProfile": {"adminUsername": "winadmin"},
        "agentPoolProfiles": [
          {"name": "system", "mode": "System", "count": 3, "vmSize": "Standard_D4s_v5", "osType": "Linux", "osSKU": "AzureLinux", "orchestratorVersion": "1.31", "currentOrchestratorVersion": "1.31.2", "nodeImageVersion": "AzureLinux-2024.11", "enableNodePublicIP": false, "enableEncryptionAtHost": true, "enableFIPS": false, "securityProfile": {"sshAccess": "Disabled"}, "osDiskType": "Ephemeral", "maxPods": 110, "type": "VirtualMachineScaleSets", "availabilityZones": ["1", "2", "3"], "vnetSubnetID": "/x/subnets/nodes", "provisioningState": "Succeeded"}
        ]
      }
    }
    """

    /// The same cluster as `az aks show -o json` prints it: flattened, az casing, extra nulls,
    /// `resourceGroup` printed, string booleans, lower-case add-on keys.
    static let clusterAZ = """
    {
      "aadProfile": {"adminAppId": null, "adminGroupObjectIds": ["grp-1", "grp-2"], "adminUsers": null, "clientAppId": null, "enableAzureRbac": "true", "managed": true, "serverAppId": null, "tenantId": "tenant-1"},
      "addonProfiles": {
        "azurepolicy": {"config": null, "enabled": true, "identity": null},
        "omsagent": {"config": {"logAnalyticsWorkspaceResourceID": "/subscriptions/x/ws"}, "enabled": "True"},
        "azureKeyvaultSecretsProvider": {"config": {"enableSecretRotation": true, "rotationPollInterval": "2m"}, "enabled": true, "identity": {"clientId": "kvsp-client", "objectId": "kvsp-object", "resourceId": "/x/kvsp"}}
      },
      "agentPoolProfiles": [
        {"availabilityZones": ["1", "2", "3"], "count": 3, "currentOrchestratorVersion": "1.31.2", "enableEncryptionAtHost": true, "enableFips": false, "enableNodePublicIp": false, "maxPods": 110, "mode": "System", "name": "system", "nodeImageVersion": "AzureLinux-2024.11", "nodePublicIpPrefixId": null, "orchestratorVersion": "1.31", "osDiskType": "Ephemeral", "osSku": "AzureLinux", "osType": "Linux", "provisioningState": "Succeeded", "securityProfile": {"sshAccess": "Disabled"}, "type": "VirtualMachineScaleSets", "vmSize": "Standard_D4s_v5", "vnetSubnetId": "/x/subnets/nodes"}
      ],
      "apiServerAccessProfile": {"authorizedIpRanges": [], "disableRunCommand": true, "enablePrivateCluster": true, "enablePrivateClusterPublicFqdn": false, "enableVnetIntegration": false, "privateDnsZone": "system", "subnetId": null},
      "autoUpgradeProfile": {"nodeOsUpgradeChannel": "NodeImage", "upgradeChannel": "patch"},
      "azureMonitorProfile": null,
      "currentKubernetesVersion": "1.31.2",
      "disableLocalAccounts": true,
      "diskEncryptionSetId": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des",
      "dnsPrefix": "aksone",
      "enableRbac": true,
      "fqdn": "aksone-abc.hcp.westeurope.azmk8s.io",
      "id": "\(clusterID)",
      "identity": {"principalId": null, "tenantId": null, "type": "UserAssigned", "userAssignedIdentities": {"/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-posture/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cp-id": {"clientId": "cp-client", "principalId": "cp-principal"}}},
      "identityProfile": {"kubeletidentity": {"clientId": "kubelet-client", "objectId": "kubelet-object", "resourceId": "/subscriptions/x/resourceGroups/MC/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-one-agentpool"}},
      "kubernetesVersion": "1.31",
      "linuxProfile": {"adminUsername": "azureuser", "ssh": {"publicKeys": [{"keyData": "ssh-rsa AAAAfixture"}]}},
      "location": "westeurope",
      "name": "aks-one",
      "networkProfile": {"dnsServiceIp": "10.0.0.10", "loadBalancerSku": "standard", "networkDataplane": "cilium", "networkPlugin": "azure", "networkPluginMode": "overlay", "networkPolicy": "cilium", "outboundType": "userDefinedRouting", "podCidr": "10.244.0.0/16", "serviceCidr": "10.0.0.0/16"},
      "nodeResourceGroup": "MC_rg-posture_aks-one_westeurope",
      "oidcIssuerProfile": {"enabled": true, "issuerUrl": "https://westeurope.oic.prod-aks.azure.com/tenant-1/abc/"},
      "podIdentityProfile": {"enabled": "false"},
      "powerState": {"code": "Running"},
      "privateFqdn": "aksone-abc.privatelink.westeurope.azmk8s.io",
      "provisioningState": "Succeeded",
      "resourceGroup": "rg-posture",
      "securityProfile": {
        "azureKeyVaultKms": {"enabled": true, "keyId": "https://kv-one.vault.azure.net/keys/etcd/1", "keyVaultNetworkAccess": "Private", "keyVaultResourceId": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-one"},
        "defender": {"logAnalyticsWorkspaceResourceId": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws", "securityMonitoring": {"enabled": true}},
        "imageCleaner": {"enabled": true, "intervalHours": 48},
        "imageIntegrity": {"enabled": false},
        "kubernetesResourceObjectEncryptionProfile": {"infrastructureEncryption": "Enabled"},
        "workloadIdentity": {"enabled": true}
      },
      "servicePrincipalProfile": {"clientId": "msi", "secret": null},
      "sku": {"name": "Base", "tier": "Standard"},
      "supportPlan": "KubernetesOfficial",
      "tags": {"cost": "12", "env": "prod"},
      "type": "Microsoft.ContainerService/ManagedClusters",
      "windowsProfile": {"adminPassword": null, "adminUsername": "winadmin", "enableCsiProxy": true}
    }
    """
}
