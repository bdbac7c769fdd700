-- POST a new ticket as JSON for a random client and one of that client's contacts.
-- wrk args: [2] path, [3] api_key, [4] number of clients, [5] contacts per client.
-- The data set lays ids out per client: client i (1-based) owns contacts (i-1)*C+1 .. i*C.

local path, api_key, clients, contacts_per_client
local subjects = {
  "Outlook keeps asking for password", "Printer offline on second floor", "New hire laptop setup",
  "VPN disconnects every few minutes", "Cannot access shared drive", "MFA reset needed",
  "Wi-Fi drops in conference room", "Backup job failed overnight", "Scanner not sending to email",
}
local priorities = { "Low", "Medium", "High" }
local headers = { ["Content-Type"] = "application/json" }

function setup_args(args)
  path = args[2]
  api_key = args[3]
  clients = tonumber(args[4])
  contacts_per_client = tonumber(args[5])
  math.randomseed(os.time())
end

function request()
  local client = math.random(1, clients)
  local contact = (client - 1) * contacts_per_client + math.random(1, contacts_per_client)
  local subject = subjects[math.random(1, #subjects)]
  local body = string.format(
    '{"api_key":"%s","client_id":%d,"ticket_subject":"%s","ticket_details":"<p>%s. Reported by phone.</p>",'
      .. '"ticket_priority":"%s","ticket_contact_id":%d,"ticket_billable":1}',
    api_key, client, subject, subject, priorities[math.random(1, #priorities)], contact
  )
  return wrk.format("POST", path, headers, body)
end
