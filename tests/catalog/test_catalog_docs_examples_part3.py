"""The request examples of KIE's docs pages, part 3: families a–m (ByteDance, ElevenLabs,
Flux, Google, Grok, Hailuo, HappyHorse, Ideogram, Kling) not reproduced in parts 1 and 2.

Each case is typed into `kiegram try MODEL --set ... --file ... --dry-run` value by value
(`docs_examples_kit`) and the printed body must be the example's, byte for byte, with its JSON
types. The bodies are copied verbatim from the pages' OpenAPI `example` as the zh-CN docs
(docs.kie.ai/cn/<page>) give them: a machine copy of 2026-06-30 kept in the public repository
henjicc/Henji-AI (docs/api/KIE/...). Their values are those of the English pages; only some
prompts are Chinese there. The case id is the page's path (the catalog entry's `docs_url`).

A case marked xfail(strict) names why it is not reproduced: "example:" when the example
contradicts its own page (the catalog follows the page), "catalog:" for a documented field the
chat does not offer yet. A strict xfail fails once the reason is gone.

Offered models with no example collected (38): their pages are newer than the zh-CN copy (or,
for the Suno music video, the copy holds no request example), and the search corpora gave
no request example for them. Each still has a docs page; its example is to be added when found.

| model | page |
| --- | --- |
| elevenlabs/speech-to-text | market/elevenlabs/speech-to-text |
| nano-banana-2-1 | market/google/nanobanana-2-1 |
| minimax-h3/reference-to-video | market/minimax-h3/reference-to-video |
| ideogram/v3-reframe | market/ideogram/v3-reframe |
| gemini-omni-audio | market/gemini-omni-audio (the corpora cut its OpenAPI short) |
| kling-3.0-omni/text-to-video | market/kling/v3-omni-text-to-video |
| kling-3.0-omni/image-to-video | market/kling/v3-omni-image-to-video |
| kling-3.0-omni/reference-to-video | market/kling/v3-omni-reference-to-video |
| kling-3.0-omni/transformation | market/kling/v3-omni-transformation |
| midjourney | mj-api/generate-mj-image |
| mj-upscale | mj-api/upscale |
| mj-vary | mj-api/vary |
| gpt-image-2-5-flare-text-to-image | market/gpt/gpt-image-2-5-flare-text-to-image |
| gpt-image-2-5-flare-image-to-image | market/gpt/gpt-image-2-5-flare-image-to-image |
| gpt-image-2-5-sunburst-text-to-image | market/gpt/gpt-image-2-5-sunburst-text-to-image |
| gpt-image-2-5-sunburst-image-to-image | market/gpt/gpt-image-2-5-sunburst-image-to-image |
| 4o-image-api | 4o-image-api/generate-4-o-image |
| sora-2-text-to-video | market/sora2/sora-2-text-to-video |
| sora-2-image-to-video | market/sora2/sora-2-image-to-video |
| sora-2-pro-text-to-video | market/sora2/sora-2-pro-text-to-video |
| sora-2-pro-image-to-video | market/sora2/sora-2-pro-image-to-video |
| sora-watermark-remover | market/sora2/sora-watermark-remover |
| pixverse-v6/image-to-video | market/pixverse/image-to-video |
| pixverse-v6/extend | market/pixverse/extend |
| pixverse-v6/reference-to-video | market/pixverse/reference-to-video |
| qwen3/text-to-image | market/qwen3/text-to-image |
| qwen3/image-to-image | market/qwen3/image-to-image |
| qwen3/pro-text-to-image | market/qwen3-pro/text-to-image |
| qwen3/pro-image-to-image | market/qwen3-pro/image-to-image |
| qwen2-1/text-to-image | market/qwen2-1/text-to-image |
| qwen2-1/image-to-image | market/qwen2-1/image-to-image |
| seedream/5-pro-image-to-image | market/seedream/5-pro-image-to-image |
| seedream/5-pro-layer-decomposition | market/seedream/5-pro-layer-decomposition |
| seedream/5-flash-text-to-image | market/seedream/5-flash-text-to-image |
| seedream/5-flash-image-to-image | market/seedream/5-flash-image-to-image |
| suno-music-video | old-model/suno-api/create-music-video |
| wan/2-7-image | market/wan/2-7-image |
| wan/2-7-image-pro | market/wan/2-7-image-pro |
"""

from __future__ import annotations

from typing import Any

import pytest
from docs_examples_kit import case, expected, printed_body, same

EXAMPLES = [
    case(
        "market/bytedance/seedance-2",
        "bytedance/seedance-2",
        {
            "prompt": (
                "宁静的海滩日落景色，海浪轻柔地拍打着岸边，棕榈树在微风中摇曳，海鸥飞过橙色的天空"
            ),
            "first_frame_url": (
                "https://templateb.aiquickdraw.com/custom-page/akr/section-images/example2.png"
            ),
            "last_frame_url": (
                "https://templateb.aiquickdraw.com/custom-page/akr/section-images/example3.png"
            ),
            "reference_image_urls": [
                ("https://templateb.aiquickdraw.com/custom-page/akr/section-images/example1.png"),
            ],
            "reference_video_urls": [
                ("https://templateb.aiquickdraw.com/custom-page/akr/section-images/example1.mp4"),
            ],
            "reference_audio_urls": [
                ("https://templateb.aiquickdraw.com/custom-page/akr/section-images/example1.mp3"),
            ],
            "return_last_frame": False,
            "generate_audio": False,
            "resolution": "720p",
            "aspect_ratio": "16:9",
            "duration": 15,
            "web_search": True,
        },
        xfail=(
            "example: it sends first/last frames and reference images/videos "
            "together, which the page makes exclusive (the catalog's two "
            "modes), and reference videos and return_last_frame, which "
            "the chat does not offer"
        ),
    ),
    case(
        "market/bytedance/seedance-2-fast",
        "bytedance/seedance-2-fast",
        {
            "prompt": (
                "宁静的海滩日落景色，海浪轻柔地拍打着岸边，棕榈树在微风中摇曳，海鸥飞过橙色的天空"
            ),
            "first_frame_url": (
                "https://templateb.aiquickdraw.com/custom-page/akr/section-images/example2.png"
            ),
            "last_frame_url": (
                "https://templateb.aiquickdraw.com/custom-page/akr/section-images/example3.png"
            ),
            "reference_image_urls": [
                ("https://templateb.aiquickdraw.com/custom-page/akr/section-images/example1.png"),
            ],
            "reference_video_urls": [
                ("https://templateb.aiquickdraw.com/custom-page/akr/section-images/example1.mp4"),
            ],
            "reference_audio_urls": [
                ("https://templateb.aiquickdraw.com/custom-page/akr/section-images/example1.mp3"),
            ],
            "return_last_frame": False,
            "generate_audio": False,
            "resolution": "720p",
            "aspect_ratio": "16:9",
            "duration": 15,
            "web_search": True,
        },
        xfail=(
            "example: it sends first/last frames and reference images/videos "
            "together, which the page makes exclusive (the catalog's two "
            "modes), and reference videos and return_last_frame, which "
            "the chat does not offer"
        ),
    ),
    case(
        "market/bytedance/seedance-2-mini",
        "bytedance/seedance-2-mini",
        {
            "prompt": (
                "宁静的海滩日落景色，海浪轻柔地拍打着岸边，棕榈树在微风中摇曳，海鸥飞过橙色的天空"
            ),
            "first_frame_url": (
                "https://templateb.aiquickdraw.com/custom-page/akr/section-images/example2.png"
            ),
            "last_frame_url": (
                "https://templateb.aiquickdraw.com/custom-page/akr/section-images/example3.png"
            ),
            "reference_image_urls": [
                ("https://templateb.aiquickdraw.com/custom-page/akr/section-images/example1.png"),
            ],
            "reference_video_urls": [
                ("https://templateb.aiquickdraw.com/custom-page/akr/section-images/example1.mp4"),
            ],
            "reference_audio_urls": [
                ("https://templateb.aiquickdraw.com/custom-page/akr/section-images/example1.mp3"),
            ],
            "return_last_frame": False,
            "generate_audio": False,
            "resolution": "720p",
            "aspect_ratio": "16:9",
            "duration": 15,
            "web_search": True,
        },
        xfail=(
            "example: it sends first/last frames and reference images/videos "
            "together, which the page makes exclusive (the catalog's two "
            "modes), and reference videos and return_last_frame, which "
            "the chat does not offer"
        ),
    ),
    case(
        "market/omnihuman-1-5/human-identification",
        "omnihuman-1-5/human-identification",
        {
            "image_url": "https://your-domain.com/image/portrait.png",
        },
    ),
    case(
        "market/omnihuman-1-5/subject-detection",
        "omnihuman-1-5/subject-detection",
        {
            "image_url": "https://your-domain.com/image/portrait.png",
        },
    ),
    case(
        "market/elevenlabs/text-to-dialogue-v3",
        "elevenlabs/text-to-dialogue-v3",
        {
            "dialogue": [
                {
                    "text": "I have a pen, I have an apple, ah, Apple pen~",
                    "voice": "EkK5I93UQWFDigLMpZcX",
                },
                {
                    "text": "a happy dog",
                    "voice": "Z3R5wn05IrDiVCyEkUrK",
                },
                {
                    "text": "a happy cat",
                    "voice": "NNl6r8mD7vthiJatiJt1",
                },
            ],
            "stability": 0.5,
        },
    ),
    case(
        "market/elevenlabs/text-to-speech-multilingual-v2",
        "elevenlabs/text-to-speech-multilingual-v2",
        {
            "text": (
                "Unlock powerful API with Kie.ai! Affordable, scalable APl "
                "integration, free trial playground, and secure, reliable perform"
                "ance."
            ),
            "voice": "Rachel",
            "stability": 0.5,
            "similarity_boost": 0.75,
            "style": 0,
            "speed": 1,
            "timestamps": False,
            "previous_text": "",
            "next_text": "",
            "language_code": "",
        },
        xfail=(
            'example: its voice "Rachel" is not in the page\'s own voice '
            "enum (voice ids; models.json fix)"
        ),
    ),
    case(
        "market/elevenlabs/text-to-speech-turbo-2-5",
        "elevenlabs/text-to-speech-turbo-2-5",
        {
            "text": (
                "Unlock powerful API with Kie.ai! Affordable, scalable APl "
                "integration, free trial playground, and secure, reliable perform"
                "ance."
            ),
            "voice": "Rachel",
            "stability": 0.5,
            "similarity_boost": 0.75,
            "style": 0,
            "speed": 1,
            "timestamps": False,
            "previous_text": "",
            "next_text": "",
            "language_code": "",
        },
        xfail=(
            'example: its voice "Rachel" is not in the page\'s own voice '
            "enum (voice ids; models.json fix)"
        ),
    ),
    case(
        "market/gemini-omni-video",
        "gemini-omni-video",
        {
            "prompt": ("生成一个未来感十足的城市夜景短片，镜头缓慢推进，角色从霓虹街道中走出。"),
            "image_urls": [
                "https://example.com/assets/scene-1.png",
                "https://example.com/assets/scene-2.png",
            ],
            "audio_ids": [
                "audio_01hx8p0demo",
            ],
            "video_list": [
                {
                    "url": "https://example.com/assets/source-video.mp4",
                    "start": 0,
                    "ends": 10,
                },
            ],
            "duration": "4",
        },
    ),
    case(
        "market/grok-imagine/extend",
        "grok-imagine/extend",
        {
            "task_id": "task_grok_12345678",
            "prompt": "",
            "extend_at": 2,
            "extend_times": "6",
        },
        xfail=("example: it sends an empty prompt, which the page lists as required"),
    ),
    case(
        "market/grok-imagine/upscale",
        "grok-imagine/upscale",
        {
            "task_id": "task_grok_12345678",
        },
    ),
    case(
        "market/hailuo/02-text-to-video-pro",
        "hailuo/02-text-to-video-pro",
        {
            "prompt": (
                "高俯角宽景中近景跟拍镜头，以两米高度极速掠过史前蕨类植物和苔藓覆"
                "盖的地面，画面主体是一个真实的小男孩（粉色T恤、粉色短裤、白色鞋子"
                "、白色长袜），背向镜头，身体舒展，平稳向前滑翔，腾空而起，"
                "在下方的地形上投射出清晰的影子。他的腿和身体高高离开地面，"
                "双脚不着地，以超人的姿势翱翔。背景是广袤的侏罗纪山谷，遍布茂密的"
                "古老丛林植被和高大的苏铁树。远处，嶙峋的火山山脉拔地而起，"
                "一条蜿蜒的小路穿梭其间。体型庞大、行动缓慢的蜥脚类恐龙在遥远的地"
                "平线上觅食。鲜艳的蓝天上漂浮着大朵蓬松的白云。强烈的动态运动模糊"
                "效果，增添了高速飞行的逼真感和浓郁的电影级景深。写实画质——原生未"
                "修饰。"
            ),
            "prompt_optimizer": True,
        },
    ),
    case(
        "market/hailuo/2-3-image-to-video-pro",
        "hailuo/2-3-image-to-video-pro",
        {
            "prompt": (
                "一位优雅的艺伎在室内表演传统日本舞蹈。她身着带有金色花卉刺绣的华"
                "贵红色和服，搭配白色腰带与白色分趾袜。手部动作柔美优雅，姿态富有"
                "表现力，衣袖自然飘拂。场景设定在日式榻榻米房间内，暖调环境光，"
                "日式纸拉门，前景垂挂着樱花枝。电影质感，柔和景深，布料纹理细节丰"
                "富，超写实风格，动作流畅自然。"
            ),
            "image_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1761"
                "736831884xl56xfiw.webp"
            ),
            "duration": "6",
            "resolution": "768P",
        },
    ),
    case(
        "market/happyhorse/video-edit",
        "happyhorse/video-edit",
        {
            "prompt": "让视频中的马头人身角色穿上图片中的条纹毛衣",
            "video_url": "https://necessary-pasta.name/",
            "reference_image": [
                "https://loremflickr.com/400/400?lock=5603408974510565",
                "https://loremflickr.com/400/400?lock=1070328653096953",
            ],
            "resolution": "1080p",
            "audio_setting": "auto",
            "seed": 1986883249,
        },
    ),
    case(
        "market/ideogram/character-remix",
        "ideogram/character-remix",
        {
            "prompt": (
                "鱼眼镜头自拍照片，拍摄于夜晚的城市街道。画面为圆形，带有黑色边框"
                "，画面中人物佩戴深色墨镜、身穿黑色夹克，手持银色数码相机举到面前"
                "拍摄倒影。背景可见一排关闭的店面卷帘门，上方有红色霓虹灯光。"
                "街道空无一人、光线昏暗，路灯在人行道上投射出暖光。鱼眼效果形成弯"
                "曲的畸变视角，让街道和建筑的直线呈现弧度。画面以红色和深色调为主"
                "，营造出氛围感拉满的都市情绪。人物倒影露出深色长发，位于圆形画面"
                "正中央。背景中多扇店面卷帘门形成重复的水平线条纹理。整体构图具有"
                "电影质感，昏暗街道与上方亮灯的店面形成强烈对比。"
            ),
            "image_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1755"
                "768466167d0tiuc6e.webp"
            ),
            "reference_image_urls": [
                (
                    "https://file.aiquickdraw.com/custom-page/akr/section-images/1755"
                    "768479029sugx0g6f.webp"
                ),
            ],
            "rendering_speed": "BALANCED",
            "style": "AUTO",
            "expand_prompt": True,
            "image_size": "square_hd",
            "num_images": "1",
            "strength": 0.8,
            "negative_prompt": "",
            "image_urls": [],
            "reference_mask_urls": "",
        },
    ),
    case(
        "market/kling/motion-control",
        "kling-2.6/motion-control",
        {
            "prompt": "卡通角色在跳舞。",
            "input_urls": [
                ("https://static.aiquickdraw.com/tools/example/1767694885407_pObJoMcy.png"),
            ],
            "video_urls": [
                ("https://static.aiquickdraw.com/tools/example/1767525918769_QyvTNib2.mp4"),
            ],
            "mode": "720p",
        },
        xfail=(
            "example: it leaves out character_orientation, which the page "
            "lists as required (the catalog sends its default, video)"
        ),
    ),
    case(
        "market/kling/motion-control-v3",
        "kling-3.0/motion-control",
        {
            "prompt": "The cartoon character is dancing.",
            "input_urls": [
                ("https://static.aiquickdraw.com/tools/example/1767694885407_pObJoMcy.png"),
            ],
            "video_urls": [
                ("https://static.aiquickdraw.com/tools/example/1767525918769_QyvTNib2.mp4"),
            ],
            "mode": "720p",
            "character_orientation": "image",
            "background_source": "input_video",
        },
        xfail=('example: mode "720p", while the page describes mode as std (720p) or pro (1080p)'),
    ),
    case(
        "market/kling/kling-3-0",
        "kling-3.0/video",
        {
            "prompt": (
                "In a bright rehearsal room, sunlight streams through the window@element_dog"
            ),
            "image_urls": [
                ("https://static.aiquickdraw.com/tools/example/1764851002741_i0lEiI8I.png"),
            ],
            "sound": True,
            "duration": "5",
            "aspect_ratio": "16:9",
            "mode": "pro",
            "multi_shots": False,
            "multi_prompt": [
                {
                    "prompt": "a happy dog in running@element_cat",
                    "duration": 3,
                },
                {
                    "prompt": "a happy dog play with a cat@element_dog",
                    "duration": 3,
                },
            ],
            "kling_elements": [
                {
                    "name": "element_dog",
                    "description": "dog",
                    "element_input_urls": [
                        (
                            "https://tempfileb.aiquickdraw.com/kieai/market/1770361808044_4Rf"
                            "UUJrI.jpeg"
                        ),
                        (
                            "https://tempfileb.aiquickdraw.com/kieai/market/1770361848336_ABQ"
                            "qRHBi.png"
                        ),
                    ],
                    "element_input_audio_urls": [
                        "https://your-cdn.com/wjeoiajfosijfoi.mp3",
                    ],
                },
                {
                    "name": "element_cat",
                    "description": "cat",
                    "element_input_urls": [
                        "https://your-cdn.com/element_image.mp4",
                    ],
                    "element_input_audio_urls": [
                        "https://your-cdn.com/wjeoiajfosijfoi.mp3",
                    ],
                    "start_time": 0,
                    "end_time": 8000,
                },
            ],
        },
        xfail=(
            "catalog: kling_elements (named element images for multi-shot prompts) is not offered"
        ),
    ),
    case(
        "market/kling/ai-avatar-pro",
        "kling/ai-avatar-pro",
        {
            "image_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1757"
                "92685809077e8h8k3.png"
            ),
            "audio_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1757"
                "925802302srqfkcqh.mp3"
            ),
            "prompt": "",
        },
        xfail=("example: it sends an empty prompt, which the page lists as required"),
    ),
    case(
        "market/kling/ai-avatar-standard",
        "kling/ai-avatar-standard",
        {
            "image_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1757"
                "9268936223zs9l3dt.png"
            ),
            "audio_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1757"
                "9258340109gghun47.mp3"
            ),
            "prompt": "",
        },
        xfail=("example: it sends an empty prompt, which the page lists as required"),
    ),
    case(
        "market/kling/v2-1-master-image-to-video",
        "kling/v2-1-master-image-to-video",
        {
            "prompt": (
                "一队伞兵降落到敌方区域，穿越云层时，镜头切换为战场上空的缓慢平移"
                "视角，战场被火光点亮"
            ),
            "image_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1755"
                "256297923kmjpynul.png"
            ),
            "duration": "5",
            "negative_prompt": "模糊、畸变、低画质",
            "cfg_scale": 0.5,
        },
    ),
    case(
        "market/kling/v2-1-master-text-to-video",
        "kling/v2-1-master-text-to-video",
        {
            "prompt": (
                "士兵从运输机跳下的第一人称视角——镜头因气流颠簸而晃动，氧气面罩的"
                "反光忽明忽暗——云层散开时，下方战场中防空火力与导弹尾迹交织闪动"
            ),
            "duration": "5",
            "aspect_ratio": "16:9",
            "negative_prompt": "模糊、畸变、低画质",
            "cfg_scale": 0.5,
        },
    ),
    case(
        "market/kling/v2-1-pro",
        "kling/v2-1-pro",
        {
            "prompt": (
                "第一人称视角：反重力冲浪者穿梭于悬浮半空的古老遗迹之间，发光苔藓"
                "照亮路径，冲浪板划过薄雾时发出嘶嘶声，速度越快，周遭的回声越响亮"
            ),
            "image_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1754"
                "892534386c8wt0qfs.png"
            ),
            "duration": "5",
            "negative_prompt": "模糊、畸变、低画质",
            "cfg_scale": 0.5,
            "tail_image_url": "",
        },
    ),
    case(
        "market/kling/v2-1-standard",
        "kling/v2-1-standard",
        {
            "prompt": (
                "以上传的图片作为视频首帧。逐步让场景动起来：蒸汽从火车中升腾并向"
                "上飘散；灯笼灯光微微闪烁；身披斗篷的人物开始缓慢移动——行走、"
                "转身、整理随身物品。漂浮的尘埃或魔法粒子在光线下显现。文字“KLING"
                " 2.1 STANDARD API — Now on Kie.ai”泛着金色光芒柔和闪烁。镜头微微"
                "前推，随后缓缓淡出至黑屏。"
            ),
            "image_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1755"
                "256596169mkkwr2ag.png"
            ),
            "duration": "5",
            "negative_prompt": "模糊、畸变、低画质",
            "cfg_scale": 0.5,
        },
    ),
    case(
        "market/kling/v25-turbo-image-to-video-pro",
        "kling/v2-5-turbo-image-to-video-pro",
        {
            "prompt": (
                "宇航员瞬间穿过散发着光芒的魔法木门完成瞬移。采用手持跟踪镜头，"
                "相机保持在宇航员斜后上方 5–10 米处，呈现流畅的第三人称追逐视角。"
                "整体画面以超写实为基底，每个场景具备独特艺术风格，场景切换时伴随"
                "明亮的传送门光晕闪帧效果，细节拉满，8K 分辨率，搭配史诗级管弦乐背"
                "景音。通过高帧率插值实现流畅的动态效果与利落的瞬间转场。特写镜头"
                "：身着白色宇航服的宇航员从脚下发光的传送门中急速坠落。\n第一次转场"
                "：乐高风格阿尔卑斯山，高饱和度日光下，雪山峰峦与山谷尽收眼底，"
                "宇航员坠落过程中，下一个传送门开启。\n第二次转场：亚马逊雨林，"
                "茂密的树冠与河流在下方延展，宇航员坠落，传送门再次开启。\n第三次转"
                "场：古埃及风格，壁画质感的吉萨金字塔，沙漠与尼罗河铺展于下，"
                "宇航员坠落，传送门开启。\n第四次转场：抽象黑白水墨风格，下方是中国"
                "长城，宇航员坠落，最后一个传送门开启。\n第五次转场：纽约夜景，"
                "写实风格的深色城市天际线，璀璨的城市灯光与帝国大厦相映，宇航员优"
                "雅悬停。全程相机保持固定距离，轻微环绕运动，流畅的第三人称跟踪视"
                "角贯穿始终。每次传送门转场均伴随锐利的闪光，凸显速度感与魔幻的旅"
                "程体验，艺术风格与场景位置的切换极具冲击力。"
            ),
            "image_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1759"
                "211376283gfcw5zcy.png"
            ),
            "tail_image_url": "",
            "duration": "5",
            "negative_prompt": "模糊、失真、画质低下",
            "cfg_scale": 0.5,
        },
    ),
    case(
        "market/kling/v25-turbo-text-to-video-pro",
        "kling/v2-5-turbo-text-to-video-pro",
        {
            "prompt": (
                "实时画面呈现。广角镜头拍摄破败的城市：坍塌的塔楼、熊熊燃烧的大火"
                "、夹杂闪电的暴风云。相机从高空快速俯冲，掠过燃烧的街道与倾斜的建"
                "筑。空气中弥漫着浓烟与尘土。一位孤胆英雄从废墟中走出，被火光勾勒"
                "出剪影。相机切至正面：他的脸上沾满尘土与汗水，眼神坚定，嘴角微扬"
                "。狂风呼啸，瓦砾腾空。极致特写：他的眼中倒映出逼近的敌人。"
                "背景音乐与鼓点骤然响起。最后广角镜头：火焰在他身后形成熊熊光环——"
                "于烈焰中重生，极具史诗级电影质感。"
            ),
            "duration": "5",
            "aspect_ratio": "16:9",
            "negative_prompt": "模糊、失真、画质低下",
            "cfg_scale": 0.5,
        },
    ),
    case(
        "market/kling/v3-turbo-image-to-video",
        "kling/v3-turbo-image-to-video",
        {
            "image_urls": [
                ("https://static.aiquickdraw.com/tools/example/1770688028208_jxcvxCQm.png"),
            ],
            "prompt": (
                "欧洲别墅的户外露台，一张蓝色与白色格纹桌布的餐桌旁，一位身穿蓝白"
                "条纹短袖衬衫和卡其色短裤、系着棕色腰带的年轻白人女子赤脚而坐，"
                "正对着穿着白色T恤的年轻男子。镜头拉近，女子将果汁在玻璃杯中搅动，"
                "目光望向远处的树林，说道：“这些树一个月后就会变黄，对吧？”男子低"
                "头回答：“但明年夏天它们又会变绿。”女子转过头，微笑着看向对面的男"
                "子，问道：“你总是这么乐观吗？还是只是夏天时才这样？”男子抬起头，"
                "看着女子，说：“只有和你在一起的夏天才会这样。”"
            ),
            "duration": "5",
            "resolution": "720p",
        },
    ),
]


@pytest.mark.parametrize(("model", "body"), EXAMPLES)
def test_the_docs_example_is_the_printed_body(
    model: str, body: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    printed = printed_body(model, body, capsys)
    assert same(printed, expected(model, body)), printed
