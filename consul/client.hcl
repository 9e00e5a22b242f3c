# Consul client agent on each alertmesh host (am1..am3 at 10.0.0.11-13), the layout of
# docs/runbook.md §2. Install as /etc/consul.d/client.hcl (root:consul 0640) and run it with
# systemd/consul.service. alertmesh talks only to this local agent
# (--consul.address=127.0.0.1:8500 in systemd/alertmesh.env): the agent forwards KV and health
# reads to the servers and keeps the node's service registration and TTL check.
#
# Validate with `consul validate /etc/consul.d` before a restart.

datacenter = "dc1"
node_name  = "am1"
data_dir   = "/var/lib/consul"
log_level  = "INFO"

server = false

# The address the other agents reach this one on.
bind_addr = "10.0.0.11"
# The HTTP API only on loopback: the local alertmesh node is its only client.
client_addr = "127.0.0.1"

# The three servers of consul/server.hcl.
retry_join = ["10.0.0.1", "10.0.0.2", "10.0.0.3"]

# Leave the cluster on SIGTERM (the default for clients, written out because it matters: a
# stopped host's services disappear at once instead of turning critical).
leave_on_terminate = true

# Gossip encryption: the same key as on the servers.
encrypt = "REPLACE-WITH-consul-keygen-OUTPUT="

ports {
  http     = 8500
  https    = -1
  grpc     = -1
  grpc_tls = -1
  dns      = 8600
  serf_lan = 8301
}

acl {
  enabled                  = true
  default_policy           = "deny"
  down_policy              = "extend-cache"
  enable_token_persistence = true
  tokens {
    # This agent's own token (node "am1" write), from `consul acl token create`. alertmesh does
    # not use it: the node sends its own token (consul/acl-policy.hcl) with every request.
    agent = "REPLACE-WITH-THIS-AGENTS-TOKEN"
  }
}

# HTTPS towards alertmesh and TLS to the servers: with the servers' tls block enabled, create
# this agent's certificate with `consul tls cert create -client -dc dc1` (it is valid for
# localhost and 127.0.0.1), set ports.https = 8501 above, --consul.address=https://127.0.0.1:8501
# and CONSUL_CACERT in /etc/default/alertmesh, and uncomment:
# tls {
#   defaults {
#     ca_file         = "/etc/consul.d/tls/consul-agent-ca.pem"
#     cert_file       = "/etc/consul.d/tls/dc1-client-consul-0.pem"
#     key_file        = "/etc/consul.d/tls/dc1-client-consul-0-key.pem"
#     verify_incoming = false
#     verify_outgoing = true
#   }
#   internal_rpc {
#     verify_server_hostname = true
#   }
# }
