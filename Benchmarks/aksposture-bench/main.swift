print("aksposture-bench")
