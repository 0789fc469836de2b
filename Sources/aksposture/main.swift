print("aksposture")
