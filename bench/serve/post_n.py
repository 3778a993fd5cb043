import http.client, ssl, sys
port, n, body = int(sys.argv[1]), int(sys.argv[2]), open(sys.argv[3], 'rb').read()
ctx = ssl.create_default_context(cafile=sys.argv[4])
c = http.client.HTTPSConnection('localhost', port, context=ctx, timeout=60)
for i in range(n):
    c.request('POST', '/validate', body=body, headers={'Content-Type': 'application/json'})
    r = c.getresponse(); d = r.read()
    assert r.status == 200, (r.status, d)
print('ok', n)
