print("asymcache")
