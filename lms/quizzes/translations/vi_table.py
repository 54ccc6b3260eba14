"""Vietnamese translations of the quizzes plugin, as a table for tools/fill_po.py.

After `make extract-messages PKG=lms/quizzes TEMPLATES=templates/quizzes`, run
`python tools/fill_po.py lms/quizzes/translations/vi/LC_MESSAGES/messages.po lms/quizzes/translations/vi_table.py`
then `make translations`. Words shared with the core's catalogue keep the core's translation.
"""

VI = {
    # -- general words ----------------------------------------------------------------------------
    "Quiz": "Bài kiểm tra",
    "Quizzes": "Bài kiểm tra",
    "My quizzes": "Bài kiểm tra của tôi",
    "Question banks": "Ngân hàng câu hỏi",
    "Question": "Câu hỏi",
    "Questions": "Câu hỏi",
    "Title": "Tiêu đề",
    "School": "Cơ sở đào tạo",
    "Name": "Tên",
    "Code": "Mã",
    "Line": "Dòng",
    "Official": "Cán bộ, công chức, viên chức",
    "Officials": "Cán bộ, công chức, viên chức",
    "Category": "Danh mục",
    "Categories": "Danh mục",
    "Format": "Định dạng",
    "Mark": "Điểm",
    "Points": "Điểm",
    "Score": "Điểm",
    "Grade": "Điểm",
    "Grades": "Điểm",
    "Feedback": "Phản hồi",
    "Right answers": "Đáp án đúng",
    "Attempt": "Lượt làm",
    "Attempts": "Lượt làm",
    "State": "Trạng thái",
    "Started": "Bắt đầu",
    "Submitted": "Nộp bài",
    "Type": "Loại",
    "Answers": "Số câu trả lời",
    "Yes": "Có",
    "No": "Không",
    "None": "Không",
    "Unlimited": "Không giới hạn",
    "Passed": "Đạt",
    "Not passed": "Chưa đạt",
    "Not passed yet": "Chưa đạt",
    "In progress": "Đang làm",
    "in progress": "đang làm",
    "Waiting for grading": "Chờ chấm",
    "waiting for grading": "chờ chấm",
    "Graded": "Đã chấm",
    "Default": "Mặc định",
    "Tag": "Thẻ",
    "Tags": "Thẻ",
    "tag": "thẻ",
    "Actions": "Thao tác",
    "Edit": "Sửa",
    "Save": "Lưu",
    "Choose one of your schools.": "Hãy chọn một cơ sở đào tạo của anh/chị.",
    "The bank was saved.": "Đã lưu ngân hàng câu hỏi.",
    "Title and school of the bank": "Tiêu đề và cơ sở đào tạo của ngân hàng",
    "Your session has ended: log in again on this device; your answers are kept here and will be sent then.":
        "Phiên đăng nhập đã hết: hãy đăng nhập lại trên thiết bị này; câu trả lời được giữ ở đây và sẽ được gửi khi đó.",
    "Review": "Xem lại",
    "Results": "Kết quả",
    "Settings": "Thiết lập",
    "Result": "Kết quả",
    "Version": "Phiên bản",
    "Version %(n)s": "Phiên bản %(n)s",
    "Information": "Thông tin",
    "Import": "Nhập",
    "Export": "Xuất",
    "Filter": "Lọc",
    "Show": "Hiển thị",
    "Set": "Đặt",
    "Remove": "Bỏ",
    "Move up": "Chuyển lên",
    "Move down": "Chuyển xuống",
    "Continue": "Làm tiếp",
    "Updated": "Cập nhật",
    "Bank": "Ngân hàng",
    "Key": "Mã khóa",
    "Layout": "Trình bày",
    "True": "Đúng",
    "False": "Sai",
    "right": "đúng",
    "weak": "yếu",
    "retired": "đã ngừng dùng",
    "skipped": "bỏ qua",
    "imported": "đã nhập",

    # -- activity and navigation ------------------------------------------------------------------
    "Complete it by passing the quiz.": "Hoàn thành khi đạt bài kiểm tra.",

    # -- forms --------------------------------------------------------------------------------------
    "Key (letters, digits, dashes)": "Mã khóa (chữ, số, dấu gạch ngang)",
    "New category (use / for a subcategory)": "Danh mục mới (dùng / cho danh mục con)",
    "Question file": "Tệp câu hỏi",
    "Category for questions the file puts in none": "Danh mục cho các câu hỏi mà tệp không xếp vào danh mục nào",
    "Question text": "Nội dung câu hỏi",
    "Text format": "Định dạng văn bản",
    "Plain text": "Văn bản thường",
    "Moodle auto-format": "Tự định dạng kiểu Moodle",
    "General feedback (shown after the attempt)": "Phản hồi chung (hiện sau khi làm bài)",
    "Tags (separated by commas)": "Thẻ (cách nhau bằng dấu phẩy)",
    "Title (Vietnamese)": "Tiêu đề (tiếng Việt)",
    "Title (English)": "Tiêu đề (tiếng Anh)",
    "Instructions shown before the attempt": "Hướng dẫn hiện trước khi làm bài",
    "Opens": "Mở lúc",
    "Closes": "Đóng lúc",
    "Time limit in minutes (0: none)": "Thời gian làm bài, phút (0: không giới hạn)",
    "Attempts allowed (0: unlimited)": "Số lượt được làm (0: không giới hạn)",
    "Minutes to wait between attempts": "Số phút phải chờ giữa hai lượt làm",
    "Grade from the attempts": "Cách tính điểm từ các lượt làm",
    "Highest attempt": "Lượt cao nhất",
    "Average of attempts": "Trung bình các lượt",
    "First attempt": "Lượt đầu tiên",
    "Last attempt": "Lượt cuối cùng",
    "Pass mark (%)": "Điểm đạt (%)",
    "Questions per page (0: all on one page)": "Số câu mỗi trang (0: tất cả trên một trang)",
    "Shuffle the questions": "Xáo trộn thứ tự câu hỏi",
    "Shuffle the answers within questions": "Xáo trộn các phương án trong câu hỏi",
    "The quiz must close after it opens.": "Thời điểm đóng phải sau thời điểm mở bài kiểm tra.",
    "Number of questions": "Số câu hỏi",
    "Include subcategories": "Gồm cả danh mục con",
    "Only questions with the tag (optional)": "Chỉ lấy câu hỏi có thẻ (không bắt buộc)",
    "Give the points.": "Hãy nhập số điểm.",
    "Comment for the official": "Nhận xét gửi học viên",

    # -- formats ------------------------------------------------------------------------------------
    "This question holds characters that are not UTF-8 text: save the file as UTF-8 and import it again.":
        "Câu hỏi này chứa ký tự không phải văn bản UTF-8: hãy lưu tệp ở dạng UTF-8 rồi nhập lại.",
    "The question has no \"ANSWER:\" line after its choices.":
        "Câu hỏi không có dòng \"ANSWER:\" sau các phương án.",
    "The question has no text.": "Câu hỏi không có nội dung.",
    "A question needs at least two choices (\"A) ...\", \"B) ...\").":
        "Câu hỏi cần ít nhất hai phương án (\"A) ...\", \"B) ...\").",
    "Two choices have the same letter.": "Có hai phương án trùng chữ cái.",
    "\"ANSWER: %(answer)s\" does not name one of the choices (%(letters)s).":
        "\"ANSWER: %(answer)s\" không trùng với phương án nào (%(letters)s).",
    "An \"ANSWER:\" line comes before any question.": "Có dòng \"ANSWER:\" đứng trước mọi câu hỏi.",
    "The [lms:...] comment before this question is not readable.":
        "Không đọc được chú thích [lms:...] đứng trước câu hỏi này.",
    "The braces { } of the answers are not balanced (write \\{ or \\} for a literal brace).":
        "Dấu ngoặc { } của phần đáp án không cân đối (viết \\{ hoặc \\} nếu muốn dùng dấu ngoặc làm chữ).",
    "The weight %(value)s%% is outside -100%% to 100%%.": "Trọng số %(value)s%% nằm ngoài khoảng -100%% đến 100%%.",
    "A choice question needs at least two answers.": "Câu hỏi lựa chọn cần ít nhất hai phương án.",
    "A matching question needs at least two pairs.": "Câu hỏi ghép đôi cần ít nhất hai cặp.",
    "Each matching pair must be written \"=item -> answer\".": "Mỗi cặp ghép đôi phải viết dạng \"=vế trái -> vế phải\".",
    "A short-answer question needs at least one answer.": "Câu hỏi trả lời ngắn cần ít nhất một đáp án.",
    "\"%(value)s\" is not a number (write numbers with a point: 3.5).":
        "\"%(value)s\" không phải là số (trong tệp GIFT viết số với dấu chấm: 3.5).",
    "\"%(value)s\" is not a usable number.": "\"%(value)s\" không phải là số dùng được.",
    "The range \"%(value)s\" is not a range of numbers.": "Khoảng \"%(value)s\" không phải là khoảng số.",
    "The tolerance in \"%(value)s\" is not a positive number.": "Sai số trong \"%(value)s\" không phải là số dương.",
    "A numerical question needs at least one number.": "Câu hỏi dạng số cần ít nhất một giá trị.",
    "The XML file declares a DTD (<!DOCTYPE ...>); DTDs and entities are refused for safety. Export the questions "
    "from Moodle again without it.":
        "Tệp XML khai báo DTD (<!DOCTYPE ...>); vì an toàn, DTD và thực thể bị từ chối. Hãy xuất lại câu hỏi từ "
        "Moodle mà không có phần này.",
    "The XML file declares entities or refers to external files; they are refused for safety.":
        "Tệp XML khai báo thực thể hoặc trỏ tới tệp bên ngoài; vì an toàn, tệp bị từ chối.",
    "The file is not well-formed XML at line %(line)s: %(reason)s. Check that it is a Moodle XML export saved as "
    "UTF-8.":
        "Tệp không phải XML hợp lệ tại dòng %(line)s: %(reason)s. Hãy kiểm tra đây là tệp Moodle XML lưu ở dạng UTF-8.",
    "The XML file is empty.": "Tệp XML trống.",
    "The fraction \"%(value)s\" is not a number.": "Tỷ lệ điểm \"%(value)s\" không phải là số.",
    "The fraction \"%(value)s\" is outside -100 to 100.": "Tỷ lệ điểm \"%(value)s\" nằm ngoài khoảng -100 đến 100.",
    "%(what)s \"%(value)s\" is not a number.": "%(what)s \"%(value)s\" không phải là số.",
    "%(what)s \"%(value)s\" is not a usable number.": "%(what)s \"%(value)s\" không phải là số dùng được.",
    "This is not a Moodle XML question file: its root element is <%(tag)s>, not <quiz>.":
        "Đây không phải tệp câu hỏi Moodle XML: phần tử gốc là <%(tag)s>, không phải <quiz>.",
    "The <lmsdata> element of this question is not readable.": "Không đọc được phần tử <lmsdata> của câu hỏi này.",
    "The default mark": "Điểm mặc định",
    "The default mark must be between 0 and 1000.": "Điểm mặc định phải từ 0 đến 1000.",
    "The Moodle question type \"%(type)s\" is not supported here; the question was skipped.":
        "Loại câu hỏi Moodle \"%(type)s\" chưa được hỗ trợ; câu hỏi đã bị bỏ qua.",
    "The question of type \"%(type)s\" carries no definition.": "Câu hỏi loại \"%(type)s\" không kèm định nghĩa.",
    "A true/false question needs a \"true\" and a \"false\" answer.":
        "Câu hỏi đúng/sai cần có đáp án \"true\" và \"false\".",
    "The answer": "Đáp án",
    "The tolerance": "Sai số",
    "A word limit": "Giới hạn số từ",
    "The first row must name the columns; the \"Câu hỏi\" (question) column is missing.":
        "Dòng đầu phải là tên các cột; thiếu cột \"Câu hỏi\".",
    "Formula cells are not read (column %(columns)s): type the values.":
        "Ô chứa công thức không được đọc (cột %(columns)s): hãy gõ trực tiếp giá trị.",
    "The question text is empty.": "Nội dung câu hỏi trống.",
    "The type \"%(type)s\" is not known (single, multiple, truefalse, short, numerical, matching, ordering, essay, "
    "description).":
        "Không nhận ra loại \"%(type)s\" (một lựa chọn, nhiều lựa chọn, đúng/sai, trả lời ngắn, số, ghép đôi, "
        "sắp xếp, tự luận, mô tả).",
    "Say the question's type in the \"Loại\" column.": "Hãy ghi loại câu hỏi ở cột \"Loại\".",
    "The mark \"%(value)s\" is not a number.": "Điểm \"%(value)s\" không phải là số.",
    "The mark must be between 0 and 1000.": "Điểm phải từ 0 đến 1000.",
    "A choice question needs at least two choices (columns A, B ...).":
        "Câu hỏi lựa chọn cần ít nhất hai phương án (cột A, B ...).",
    "\"Đáp án đúng\" must name the right choice by its letter (%(letters)s).":
        "Cột \"Đáp án đúng\" phải ghi chữ cái của phương án đúng (%(letters)s).",
    "A single-choice question has one right letter; use the type \"multiple\" for several.":
        "Câu hỏi một lựa chọn chỉ có một chữ cái đúng; dùng loại \"nhiều lựa chọn\" nếu có nhiều đáp án đúng.",
    "A true/false question needs \"Đúng\" or \"Sai\" in \"Đáp án đúng\".":
        "Câu hỏi đúng/sai cần ghi \"Đúng\" hoặc \"Sai\" ở cột \"Đáp án đúng\".",
    "A short-answer question needs its accepted answers in columns A, B ...":
        "Câu hỏi trả lời ngắn cần ghi các đáp án được chấp nhận ở cột A, B ...",
    "A tolerance cannot be negative.": "Sai số không được âm.",
    "Column %(letter)s must be written \"item -> answer\".": "Cột %(letter)s phải viết dạng \"vế trái -> vế phải\".",

    # -- attempts -----------------------------------------------------------------------------------
    "The quiz has not opened yet.": "Bài kiểm tra chưa mở.",
    "The quiz is closed.": "Bài kiểm tra đã đóng.",
    "You have used all %(n)s attempts allowed.": "Anh/chị đã dùng hết %(n)s lượt làm được phép.",
    "You may start another attempt from %(when)s.": "Anh/chị có thể làm lượt mới từ %(when)s.",
    "This quiz has no questions yet.": "Bài kiểm tra này chưa có câu hỏi.",
    "The quiz draws %(n)s questions from \"%(category)s\", which has only %(have)s available. Tell the lecturer.":
        "Bài kiểm tra lấy ngẫu nhiên %(n)s câu từ \"%(category)s\" nhưng danh mục này chỉ có %(have)s câu. "
        "Hãy báo giảng viên.",
    "That attempt does not exist.": "Không có lượt làm bài này.",
    "This attempt has already been submitted; the answer was not saved.": "Lượt làm này đã nộp; câu trả lời không được lưu.",
    "Time is up: answers that arrive after the deadline are not accepted. Your attempt is graded on the answers "
    "saved before the deadline.":
        "Đã hết giờ: câu trả lời gửi tới sau thời hạn không được nhận. Bài của anh/chị được chấm theo các câu trả "
        "lời đã lưu trước thời hạn.",
    "This answer is for a question that is not in your attempt; it was not saved.":
        "Câu trả lời này dành cho câu hỏi không thuộc lượt làm của anh/chị; câu trả lời không được lưu.",
    "The answer carries an invalid sequence number.": "Câu trả lời mang số thứ tự không hợp lệ.",
    "Answers were sent for questions that are not on this page of your attempt; they were not saved.":
        "Có câu trả lời gửi cho câu hỏi không thuộc trang này của lượt làm; các câu trả lời đó không được lưu.",

    # -- banks and questions ----------------------------------------------------------------------
    "Only the lecturers of this bank's school and administrators may change it.":
        "Chỉ giảng viên của cơ sở đào tạo sở hữu ngân hàng này và quản trị viên mới được thay đổi.",
    "A bank key is 1 to 120 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit.":
        "Mã khóa ngân hàng gồm 1 đến 120 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới, "
        "bắt đầu bằng chữ hoặc số.",
    "A bank with the key \"%(key)s\" already exists.": "Đã có ngân hàng với mã khóa \"%(key)s\".",
    "A bank needs a title.": "Ngân hàng cần có tiêu đề.",
    "The category path \"%(path)s\" is too long.": "Đường dẫn danh mục \"%(path)s\" quá dài.",
    "A category needs a name.": "Danh mục cần có tên.",
    "The bank already has a category \"%(path)s\".": "Ngân hàng đã có danh mục \"%(path)s\".",
    "A question name is at most 255 characters.": "Tên câu hỏi tối đa 255 ký tự.",
    "The question text or its feedback is longer than %(limit)s characters.":
        "Nội dung câu hỏi hoặc phản hồi dài quá %(limit)s ký tự.",
    "The text format \"%(format)s\" is not known.": "Không nhận ra định dạng văn bản \"%(format)s\".",
    "A question's mark must be between 0 and 1000.": "Điểm của câu hỏi phải từ 0 đến 1000.",
    "The category belongs to another bank.": "Danh mục này thuộc ngân hàng khác.",
    "A question's type cannot change; create a new question instead.":
        "Không đổi được loại của câu hỏi; hãy tạo câu hỏi mới.",
    "The question type \"%(type)s\" is not available.": "Loại câu hỏi \"%(type)s\" không có sẵn.",
    "The question type \"%(name)s\" is not available.": "Loại câu hỏi \"%(name)s\" không có sẵn.",
    "The format \"%(format)s\" is not known (gift, aiken, moodle-xml, xlsx).":
        "Không nhận ra định dạng \"%(format)s\" (gift, aiken, moodle-xml, xlsx).",
    "Questions can be exported as GIFT or Moodle XML.": "Câu hỏi có thể xuất ra GIFT hoặc Moodle XML.",

    # -- course folders ---------------------------------------------------------------------------
    "The quiz activity names no source file (source: quiz.gift).":
        "Hoạt động bài kiểm tra không ghi tệp nguồn (source: quiz.gift).",
    "The quiz source \"%(source)s\" must be a file inside the course folder.":
        "Tệp nguồn \"%(source)s\" của bài kiểm tra phải nằm trong thư mục khóa học.",
    "The quiz source \"%(source)s\" is missing from the course folder.":
        "Thư mục khóa học thiếu tệp nguồn \"%(source)s\" của bài kiểm tra.",
    "settings.random must be a list of {category, count}.": "settings.random phải là danh sách {category, count}.",
    "The quiz settings must be a mapping.": "Thiết lập của bài kiểm tra phải là một bảng khóa–giá trị.",
    "The quiz file cannot be imported: %(details)s": "Không nhập được tệp bài kiểm tra: %(details)s",
    "The quiz file %(name)s has no questions.": "Tệp bài kiểm tra %(name)s không có câu hỏi nào.",
    "settings.random names the category \"%(category)s\", which the quiz file does not have.":
        "settings.random ghi danh mục \"%(category)s\" nhưng tệp bài kiểm tra không có danh mục này.",
    "The quiz %(ref)s does not exist.": "Không có bài kiểm tra %(ref)s.",

    # -- grading ------------------------------------------------------------------------------------
    "That answer no longer exists.": "Câu trả lời này không còn nữa.",
    "The attempt is still in progress; grade it after it is submitted.":
        "Lượt làm vẫn đang diễn ra; hãy chấm sau khi học viên nộp bài.",
    "Give between 0 and %(max)s points.": "Hãy cho từ 0 đến %(max)s điểm.",

    # -- quiz settings ------------------------------------------------------------------------------
    "The setting %(key)s must be a number.": "Thiết lập %(key)s phải là số.",
    "The setting %(key)s must be a whole number.": "Thiết lập %(key)s phải là số nguyên.",
    "The setting %(key)s must be true or false.": "Thiết lập %(key)s phải là true hoặc false.",
    "The setting %(key)s must be between %(low)s and %(high)s.": "Thiết lập %(key)s phải từ %(low)s đến %(high)s.",
    "The pass mark is a fraction between 0 and 1 (0.5 is 50%).": "Điểm đạt là tỷ lệ từ 0 đến 1 (0.5 là 50%).",
    "The grading method must be highest, average, first or last.":
        "Cách tính điểm phải là highest, average, first hoặc last.",
    "The setting %(key)s must be a date and time.": "Thiết lập %(key)s phải là ngày giờ.",
    "A quiz needs a title.": "Bài kiểm tra cần có tiêu đề.",
    "A question from another bank cannot be added.": "Không thêm được câu hỏi của ngân hàng khác.",
    "Draw between 1 and 200 random questions.": "Hãy lấy ngẫu nhiên từ 1 đến 200 câu hỏi.",
    "A mark must be between 0 and 1000.": "Điểm phải từ 0 đến 1000.",
    "That question is no longer in the quiz.": "Câu hỏi này không còn trong bài kiểm tra.",

    # -- results ------------------------------------------------------------------------------------
    "Grade (%)": "Điểm (%)",
    "Out of": "Trên tổng",
    "Score (%)": "Điểm (%)",
    "Item statistics": "Thống kê câu hỏi",
    "Facility (%)": "Độ dễ (%)",
    "Discrimination index": "Chỉ số phân biệt",
    "Item-rest correlation": "Tương quan câu hỏi – phần còn lại",
    "Distribution": "Phân bố điểm",
    "From (%)": "Từ (%)",
    "To (%)": "Đến (%)",

    # -- question types -----------------------------------------------------------------------------
    "The question's definition is not readable.": "Không đọc được định nghĩa của câu hỏi.",
    "%(what)s is longer than %(limit)s characters.": "%(what)s dài quá %(limit)s ký tự.",
    "A text": "Một đoạn văn bản",
    "A weight is not a number.": "Có trọng số không phải là số.",
    "A weight must be between -100% and 100%.": "Trọng số phải từ -100% đến 100%.",
    "%(what)s is not a number.": "%(what)s không phải là số.",
    "A value": "Một giá trị",
    "%(what)s is not a usable number.": "%(what)s không phải là số dùng được.",
    "The question has no answers.": "Câu hỏi không có đáp án.",
    "A question may have at most %(n)s answers.": "Một câu hỏi có tối đa %(n)s đáp án.",
    "An answer is not readable.": "Có đáp án không đọc được.",
    "Short answer": "Trả lời ngắn",
    "Accepted answer": "Đáp án được chấp nhận",
    "Weight (%)": "Trọng số (%)",
    "Upper and lower case must match": "Phân biệt chữ hoa, chữ thường",
    "Diacritics must match (\"Hà Nội\" is not \"Ha Noi\")": "Phân biệt dấu (\"Hà Nội\" khác \"Ha Noi\")",
    "* in an accepted answer matches any text": "Dấu * trong đáp án khớp với mọi đoạn văn bản",
    "An accepted answer": "Một đáp án được chấp nhận",
    "An accepted answer is empty.": "Có đáp án được chấp nhận để trống.",
    "One accepted answer must be worth 100%.": "Phải có một đáp án được chấp nhận đạt 100%.",
    "The answer must be text.": "Câu trả lời phải là văn bản.",
    "The answer is longer than %(n)s characters.": "Câu trả lời dài quá %(n)s ký tự.",
    "\"%(value)s\" is not a number.": "\"%(value)s\" không phải là số.",
    "\"%(value)s\" is too large.": "\"%(value)s\" quá lớn.",
    "Numerical": "Dạng số",
    "Value (empty: any other answer)": "Giá trị (để trống: mọi câu trả lời khác)",
    "Tolerance ±": "Sai số ±",
    "An answer": "Một đáp án",
    "A tolerance": "Một sai số",
    "One numerical answer must be worth 100%.": "Phải có một đáp án số đạt 100%.",
    "The answer must be a number.": "Câu trả lời phải là số.",
    "The question has no choices.": "Câu hỏi không có phương án.",
    "A question may have at most %(n)s choices.": "Một câu hỏi có tối đa %(n)s phương án.",
    "A choice is not readable.": "Có phương án không đọc được.",
    "A choice": "Một phương án",
    "A choice is empty.": "Có phương án để trống.",
    "Single choice": "Một lựa chọn",
    "Choice": "Phương án",
    "Shuffle the choices": "Xáo trộn các phương án",
    "A choice question needs at least two choices.": "Câu hỏi lựa chọn cần ít nhất hai phương án.",
    "One choice must be worth 100%.": "Phải có một phương án đạt 100%.",
    "This answer is not one of the question's choices.": "Câu trả lời này không phải là phương án của câu hỏi.",
    "Multiple choice": "Nhiều lựa chọn",
    "The weights of the right choices must add up to 100%% (they add up to %(total)s%%).":
        "Tổng trọng số các phương án đúng phải bằng 100%% (hiện là %(total)s%%).",
    "True/false": "Đúng/sai",
    "The statement is true": "Mệnh đề là đúng",
    "Feedback when the answer is \"true\"": "Phản hồi khi trả lời \"đúng\"",
    "Feedback when the answer is \"false\"": "Phản hồi khi trả lời \"sai\"",
    "A true/false question must say whether the statement is true.": "Câu hỏi đúng/sai phải cho biết mệnh đề đúng hay sai.",
    "Answer true or false.": "Hãy trả lời đúng hoặc sai.",
    "\"%(value)s\" is not a percentage.": "\"%(value)s\" không phải là tỷ lệ phần trăm.",
    "Matching": "Ghép đôi",
    "Item (empty: an extra wrong answer)": "Vế trái (để trống: thêm một đáp án nhiễu)",
    "Matching answer": "Vế phải tương ứng",
    "Shuffle the items": "Xáo trộn các vế",
    "The matching pairs are not readable.": "Không đọc được các cặp ghép đôi.",
    "An item": "Một mục",
    "A matching answer": "Một vế phải",
    "The item \"%(item)s\" has no matching answer.": "Vế \"%(item)s\" chưa có vế phải tương ứng.",
    "A matching question needs at least two items with their answers.":
        "Câu hỏi ghép đôi cần ít nhất hai vế trái kèm vế phải.",
    "This answer does not fit the question.": "Câu trả lời không khớp với câu hỏi.",
    "Ordering": "Sắp xếp",
    "Item (in the right order)": "Mục (theo đúng thứ tự)",
    "The items to order are not readable.": "Không đọc được các mục cần sắp xếp.",
    "An ordering question needs at least two items.": "Câu hỏi sắp xếp cần ít nhất hai mục.",
    "Give each item a position from 1 to %(n)s.": "Hãy cho mỗi mục một vị trí từ 1 đến %(n)s.",
    "Give each item a different position from 1 to %(n)s.": "Hãy cho mỗi mục một vị trí khác nhau từ 1 đến %(n)s.",
    "Essay": "Tự luận",
    "Minimum words (0: none)": "Số từ tối thiểu (0: không giới hạn)",
    "Maximum words (0: none)": "Số từ tối đa (0: không giới hạn)",
    "Text the answer box starts with": "Nội dung có sẵn trong ô trả lời",
    "Information for graders": "Thông tin cho người chấm",
    "A word limit must be a whole number.": "Giới hạn số từ phải là số nguyên.",
    "A word limit must be between 0 and 100000.": "Giới hạn số từ phải từ 0 đến 100000.",
    "The minimum number of words is above the maximum.": "Số từ tối thiểu lớn hơn số từ tối đa.",
    "The answer template": "Nội dung có sẵn của ô trả lời",
    "Grader information": "Thông tin cho người chấm",
    "Description (no answer)": "Mô tả (không cần trả lời)",
    "This part of the quiz takes no answer.": "Phần này của bài kiểm tra không cần trả lời.",

    # -- flashes ------------------------------------------------------------------------------------
    "%(n)s attempts are in progress: they keep the questions and the deadline they started with; the change applies "
    "to attempts started from now on.":
        "Có %(n)s lượt đang làm: các lượt này giữ nguyên câu hỏi và thời hạn như lúc bắt đầu; thay đổi áp dụng cho "
        "các lượt bắt đầu từ bây giờ.",
    "The quiz was saved.": "Đã lưu bài kiểm tra.",
    "Tick the questions to add.": "Hãy đánh dấu các câu hỏi cần thêm.",
    "Choose a category and how many questions to draw (1 to 200).":
        "Hãy chọn danh mục và số câu lấy ngẫu nhiên (từ 1 đến 200).",
    "Choose one of the bank's categories.": "Hãy chọn một danh mục của ngân hàng.",
    "A mark must be a number.": "Điểm phải là số.",
    "The quiz's questions were updated.": "Đã cập nhật câu hỏi của bài kiểm tra.",
    "No school (administrators only)": "Không thuộc cơ sở đào tạo nào (chỉ quản trị viên)",
    "The bank was created.": "Đã tạo ngân hàng câu hỏi.",
    "The category %(path)s is ready.": "Danh mục %(path)s đã sẵn sàng.",
    "Give the category a name.": "Hãy đặt tên cho danh mục.",
    "%(label)s must be a whole number.": "%(label)s phải là số nguyên.",
    "The question was saved.": "Đã lưu câu hỏi.",
    "%(n)s submitted attempts answered the earlier version of this question. Their saved answers are kept; regrade "
    "them to apply the correction.":
        "Có %(n)s lượt đã nộp trả lời phiên bản trước của câu hỏi này. Câu trả lời đã lưu được giữ nguyên; hãy chấm "
        "lại để áp dụng chỗ sửa.",
    "The question was retired: quizzes no longer draw it; attempts keep it.":
        "Đã ngừng dùng câu hỏi: bài kiểm tra không lấy câu này nữa; các lượt làm cũ vẫn giữ.",
    "The question is back in use.": "Câu hỏi đã được dùng lại.",
    "Choose a file to import and its format.": "Hãy chọn tệp cần nhập và định dạng của tệp.",
    "The file is larger than %(n)s MB.": "Tệp lớn hơn %(n)s MB.",
    "Time is up. Your attempt was submitted with the answers saved before the deadline.":
        "Đã hết giờ. Bài của anh/chị đã được nộp với các câu trả lời lưu trước thời hạn.",
    "Question %(n)s: %(message)s": "Câu %(n)s: %(message)s",
    "The answer names no question.": "Câu trả lời không ghi câu hỏi nào.",
    "Your attempt was submitted.": "Đã nộp bài.",
    "%(n)s attempts were regraded from their saved answers.": "Đã chấm lại %(n)s lượt theo câu trả lời đã lưu.",
    "The answer was graded.": "Đã chấm câu trả lời.",

    # -- pages --------------------------------------------------------------------------------------
    "Question %(n)s": "Câu %(n)s",
    "%(points)s of %(mark)s points": "%(points)s / %(mark)s điểm",
    "Waiting for a lecturer to grade it": "Chờ giảng viên chấm",
    "%(mark)s points": "%(mark)s điểm",
    "Right answer:": "Đáp án đúng:",
    "Lecturer's comment:": "Nhận xét của giảng viên:",
    "Time is up. Submitting your attempt with the answers saved…": "Đã hết giờ. Đang nộp bài với các câu trả lời đã lưu…",
    "5 minutes left.": "Còn 5 phút.",
    "1 minute left.": "Còn 1 phút.",
    "Time left:": "Thời gian còn lại:",
    "(when this page was loaded; the attempt ends at %(when)s)": "(lúc tải trang; giờ kết thúc: %(when)s)",
    "Attempt status": "Tình trạng bài làm",
    "Page %(n)s of %(total)s": "Trang %(n)s / %(total)s",
    "%(n)s of %(total)s answered": "Đã trả lời %(n)s / %(total)s câu",
    "Saving…": "Đang lưu…",
    "Saved": "Đã lưu",
    "Offline — your answer is kept on this device and will be sent when the network is back.":
        "Mất kết nối — câu trả lời được giữ trên thiết bị này và sẽ được gửi khi có mạng trở lại.",
    "Offline — will retry": "Mất kết nối — sẽ gửi lại",
    "Not saved:": "Chưa lưu:",
    "Back online: your answers were sent.": "Đã có mạng trở lại: các câu trả lời đã được gửi.",
    "You are offline. Stay on this page: your answers are kept on this device and will be sent when the network is "
    "back.":
        "Anh/chị đang mất kết nối. Hãy ở lại trang này: câu trả lời được giữ trên thiết bị và sẽ được gửi khi có "
        "mạng trở lại.",
    "Next page": "Trang sau",
    "Finish attempt…": "Kết thúc bài làm…",
    "Previous page": "Trang trước",
    "Pages of the attempt": "Các trang của bài làm",
    "Go to page:": "Chuyển tới trang:",
    "No quiz uses this bank yet.": "Chưa có bài kiểm tra nào dùng ngân hàng này.",
    "New quiz": "Bài kiểm tra mới",
    "All questions": "Tất cả câu hỏi",
    "Add the category": "Thêm danh mục",
    "Rename %(name)s": "Đổi tên %(name)s",
    "Search in names and texts": "Tìm trong tên và nội dung",
    "Any tag": "Mọi thẻ",
    "Show retired questions": "Hiện cả câu hỏi đã ngừng dùng",
    "New question": "Câu hỏi mới",
    "%(n)s questions": "%(n)s câu hỏi",
    "Bring back": "Dùng lại",
    "Retire": "Ngừng dùng",
    "No question here yet: add one or import a file.": "Chưa có câu hỏi: hãy thêm câu hỏi hoặc nhập từ tệp.",
    "Import questions": "Nhập câu hỏi",
    "GIFT and Moodle XML (exported from Moodle), Aiken, or the Excel template. Each question gets a line in the "
    "report; a question that cannot be read is skipped and the others are imported.":
        "GIFT và Moodle XML (xuất từ Moodle), Aiken, hoặc mẫu Excel. Mỗi câu hỏi có một dòng trong báo cáo; câu "
        "không đọc được sẽ bị bỏ qua, các câu còn lại vẫn được nhập.",
    "Download the Excel template": "Tải mẫu Excel",
    "For example: Luật/Chương 1": "Ví dụ: Luật/Chương 1",
    "Export %(what)s as": "Xuất %(what)s dạng",
    "the whole bank": "toàn bộ ngân hàng",
    "Written answers waiting for grading": "Bài tự luận chờ chấm",
    "Excel template for questions": "Mẫu Excel cho câu hỏi",
    "%(n)s banks you manage": "%(n)s ngân hàng anh/chị quản lý",
    "No bank yet.": "Chưa có ngân hàng nào.",
    "New bank": "Ngân hàng mới",
    "Used by the command line: lms quizzes import FILE --bank KEY":
        "Dùng trong dòng lệnh: lms quizzes import TỆP --bank MÃ_KHÓA",
    "Create the bank": "Tạo ngân hàng",
    "Grade an answer": "Chấm câu trả lời",
    "Answers to grade": "Câu trả lời cần chấm",
    "attempt %(n)s": "lượt %(n)s",
    "Between 0 and %(max)s": "Từ 0 đến %(max)s",
    "Save the grade": "Lưu điểm",
    "%(n)s written answers wait for a lecturer, oldest first": "%(n)s bài tự luận chờ giảng viên chấm, cũ nhất trước",
    "Nothing waits for grading.": "Không có bài nào chờ chấm.",
    "Import report": "Báo cáo nhập câu hỏi",
    "%(imported)s imported, %(skipped)s skipped": "%(imported)s câu đã nhập, %(skipped)s câu bỏ qua",
    "Line %(n)s:": "Dòng %(n)s:",
    "One row per question of the file, in the file's order": "Mỗi câu hỏi của tệp một dòng, theo thứ tự trong tệp",
    "Back to the bank": "Về ngân hàng câu hỏi",
    "Your quizzes are in your courses. Here are the attempts you have started and your grades.":
        "Các bài kiểm tra nằm trong khóa học của anh/chị. Đây là các lượt đã làm và điểm của anh/chị.",
    "Attempts in progress": "Lượt đang làm",
    "Started %(when)s": "Bắt đầu %(when)s",
    "time left: %(min)s min": "còn %(min)s phút",
    "You have no attempt in progress.": "Anh/chị không có lượt nào đang làm.",
    "Your grade on each quiz, from its grading method": "Điểm từng bài kiểm tra, theo cách tính điểm của bài",
    "No graded quiz yet.": "Chưa có bài kiểm tra nào được chấm.",
    "Recent attempts": "Các lượt làm gần đây",
    "No attempt submitted yet.": "Chưa nộp lượt nào.",
    "Submitted attempts that asked it": "Số lượt đã nộp có câu này",
    "%(n)s attempts were graded against an earlier version of this question. Regrading recomputes their marks from "
    "the answers they saved (the answers do not change).":
        "Có %(n)s lượt được chấm theo phiên bản trước của câu hỏi này. Chấm lại sẽ tính lại điểm từ các câu trả lời "
        "đã lưu (câu trả lời không thay đổi).",
    "Regrade these attempts": "Chấm lại các lượt này",
    "Preview with the right answers": "Xem trước kèm đáp án đúng",
    "Edit the question": "Sửa câu hỏi",
    "Saving a change makes a new version of the question. Attempts keep the answers they saved; after correcting a "
    "question you can regrade the attempts that asked it.":
        "Lưu thay đổi sẽ tạo phiên bản mới của câu hỏi. Các lượt làm giữ nguyên câu trả lời đã lưu; sau khi sửa câu "
        "hỏi, anh/chị có thể chấm lại các lượt có câu này.",
    "Shown to lecturers only; left empty, it is taken from the text.":
        "Chỉ giảng viên thấy; để trống thì lấy từ nội dung câu hỏi.",
    "Leave a row empty to leave it out. Weights are percentages: 100 for a right answer, negative for a penalty.":
        "Để trống một dòng để bỏ dòng đó. Trọng số tính theo phần trăm: 100 cho đáp án đúng, số âm để trừ điểm.",
    "Leave a row empty to leave it out.": "Để trống một dòng để bỏ dòng đó.",
    "Save the question": "Lưu câu hỏi",
    "Time limit": "Thời gian làm bài",
    "%(n)s minutes": "%(n)s phút",
    "Attempts allowed": "Số lượt được làm",
    "Grading method": "Cách tính điểm",
    "Pass mark": "Điểm đạt",
    "The clock is the server's: once you start, the time runs even if you close the page or lose the network. Every "
    "answer is saved as you give it; at the end of the time your attempt is submitted with the answers saved.":
        "Thời gian được tính theo đồng hồ của máy chủ: khi đã bắt đầu, thời gian vẫn chạy dù anh/chị đóng trang hay "
        "mất mạng. Mỗi câu trả lời được lưu ngay khi chọn; hết giờ, bài được nộp với các câu trả lời đã lưu.",
    "Your grade:": "Điểm của anh/chị:",
    "Continue your attempt": "Làm tiếp bài",
    "Start the attempt": "Bắt đầu làm bài",
    "Start a new attempt": "Làm lượt mới",
    "Your attempts": "Các lượt làm của anh/chị",
    "For lecturers": "Dành cho giảng viên",
    "Questions (%(n)s)": "Câu hỏi (%(n)s)",
    "Results and statistics": "Kết quả và thống kê",
    "Question bank: %(title)s": "Ngân hàng câu hỏi: %(title)s",
    "Quiz settings": "Thiết lập bài kiểm tra",
    "%(n)s attempts are in progress. They keep the questions and the deadline they started with; changes apply to "
    "attempts started after you save.":
        "Có %(n)s lượt đang làm. Các lượt này giữ nguyên câu hỏi và thời hạn như lúc bắt đầu; thay đổi áp dụng cho "
        "các lượt bắt đầu sau khi lưu.",
    "When and how long": "Thời điểm và thời lượng",
    "Time in Asia/Ho_Chi_Minh; empty: open now": "Giờ Việt Nam; để trống: mở ngay",
    "Empty: never closes. An attempt ends at the close date it started under, at the latest.":
        "Để trống: không đóng. Mỗi lượt làm kết thúc muộn nhất vào thời điểm đóng đã đặt khi lượt đó bắt đầu.",
    "Attempts and grade": "Lượt làm và điểm",
    "A passed quiz completes its activity in the course.": "Đạt bài kiểm tra thì hoạt động tương ứng trong khóa học hoàn thành.",
    "What officials see in the review right after their attempt": "Học viên được xem gì ngay sau khi nộp bài",
    "What officials see in the review after the quiz closes": "Học viên được xem gì sau khi bài kiểm tra đóng",
    "Save the settings": "Lưu thiết lập",
    "Questions of the quiz": "Câu hỏi của bài kiểm tra",
    "%(n)s attempts are in progress. They keep the questions they started with; changes apply to attempts started "
    "after you save.":
        "Có %(n)s lượt đang làm. Các lượt này giữ nguyên câu hỏi như lúc bắt đầu; thay đổi áp dụng cho các lượt bắt "
        "đầu sau khi lưu.",
    "%(n)s places, %(total)s points in all": "%(n)s vị trí, tổng cộng %(total)s điểm",
    "%(n)s random questions from %(category)s": "%(n)s câu ngẫu nhiên từ %(category)s",
    "No question yet: add some from the bank below.": "Chưa có câu hỏi: hãy thêm từ ngân hàng bên dưới.",
    "Add questions from the bank": "Thêm câu hỏi từ ngân hàng",
    "Questions in %(category)s": "Câu hỏi trong %(category)s",
    "No question in this category.": "Danh mục này chưa có câu hỏi.",
    "Add the ticked questions": "Thêm các câu đã đánh dấu",
    "Add random questions": "Thêm câu hỏi ngẫu nhiên",
    "Each attempt draws its own questions from the category, so officials sitting side by side get different "
    "questions.":
        "Mỗi lượt làm tự lấy câu hỏi từ danh mục, nên học viên ngồi cạnh nhau nhận các câu hỏi khác nhau.",
    "Add the random draw": "Thêm phần lấy ngẫu nhiên",
    "%(n)s officials attempted it; %(graded)s have a grade, %(passed)s passed.":
        "%(n)s học viên đã làm; %(graded)s người có điểm, %(passed)s người đạt.",
    "Download as Excel": "Tải về dạng Excel",
    "%(n)s attempts were graded before one of their questions was corrected.":
        "Có %(n)s lượt được chấm trước khi một câu hỏi của lượt đó được sửa.",
    "Regrade all attempts": "Chấm lại tất cả các lượt",
    "Officials and their attempts": "Học viên và các lượt làm",
    "Grade from the quiz's grading method; each attempt links to its review":
        "Điểm theo cách tính điểm của bài kiểm tra; mỗi lượt có liên kết để xem lại",
    "Attempt %(n)s": "Lượt %(n)s",
    "Nobody has attempted the quiz yet.": "Chưa có ai làm bài kiểm tra này.",
    "Facility: the average score on the question (how easy it is). Discrimination: the top 27%% of attempts' average "
    "on the question minus the bottom 27%%'s; above 0.3 the question separates strong and weak officials well, near 0 "
    "or below it does not. Item–rest correlation: the same idea measured over all attempts.":
        "Độ dễ: điểm trung bình của câu hỏi (câu càng dễ thì càng cao). Độ phân biệt: điểm trung bình của câu hỏi ở "
        "nhóm 27%% lượt làm cao điểm nhất trừ đi ở nhóm 27%% thấp điểm nhất; trên 0,3 là câu hỏi phân biệt tốt học viên "
        "giỏi và yếu, gần 0 hoặc âm là không phân biệt được. Tương quan câu hỏi – phần còn lại: cùng ý đó nhưng đo "
        "trên mọi lượt làm.",
    "Over all graded attempts": "Trên mọi lượt đã chấm",
    "Facility": "Độ dễ",
    "Discrimination": "Độ phân biệt",
    "Item–rest correlation": "Tương quan câu hỏi – phần còn lại",
    "No graded attempt yet.": "Chưa có lượt nào được chấm.",
    "Score distribution": "Phân bố điểm",
    "Officials by quiz grade": "Số học viên theo điểm bài kiểm tra",
    "Review of the attempt": "Xem lại bài làm",
    "at the deadline": "khi hết giờ",
    "Waiting for a lecturer to grade the written answers": "Chờ giảng viên chấm phần tự luận",
    "Below the pass mark": "Dưới điểm đạt",
    "Your attempt was submitted. The results are shown when the quiz's settings allow it.":
        "Bài đã được nộp. Kết quả sẽ hiện khi thiết lập của bài kiểm tra cho phép.",
    "Back to the quiz": "Về bài kiểm tra",
    "Summary of your attempt": "Tóm tắt bài làm",
    "Your answers are saved. Check the ones you have not answered yet.":
        "Các câu trả lời đã được lưu. Hãy xem lại những câu chưa trả lời.",
    "Answered": "Đã trả lời",
    "Not answered": "Chưa trả lời",
    "Return to the attempt": "Quay lại bài làm",
    "Once you submit, you can no longer change your answers.": "Sau khi nộp, anh/chị không thể sửa câu trả lời.",
    "Submit all and finish": "Nộp bài và kết thúc",
    "Choose one or more answers.": "Chọn một hoặc nhiều đáp án.",
    "No answer": "Không trả lời",
    "Your answer": "Câu trả lời của anh/chị",
    "At least %(n)s words.": "Ít nhất %(n)s từ.",
    "At most %(n)s words.": "Nhiều nhất %(n)s từ.",
    "Information for graders:": "Thông tin cho người chấm:",
    "Choose…": "Chọn…",
    "Give each item its position, from 1 (first) to %(n)s (last).": "Cho mỗi mục một vị trí, từ 1 (đầu tiên) đến %(n)s (cuối cùng).",
    "A number; 3,5 and 3.5 are both read as three and a half.": "Nhập một số; 3,5 và 3.5 đều được hiểu là ba phẩy năm.",
}
