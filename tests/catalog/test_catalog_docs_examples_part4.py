"""The request examples of KIE's docs pages, part 4: families n–z (GPT Image, Qwen,
Recraft, Seedream, Topaz, Wan, Z-Image) and the dedicated APIs (Suno, Veo 3.1, Runway, 4o
Image, Flux Kontext) with their follow-ups, as far as parts 1 and 2 do not reproduce them.

Each case is typed into `kiegram try MODEL --set ... --file ... --dry-run` value by value
(`docs_examples_kit`) and the printed body must be the example's, byte for byte, with its JSON
types. The bodies are copied verbatim from the pages' OpenAPI `example` as the zh-CN docs
(docs.kie.ai/cn/<page>) give them: a machine copy of 2026-06-30 kept in the public repository
henjicc/Henji-AI (docs/api/KIE/...). Their values are those of the English pages; only some
prompts are Chinese there. The case id is the page's path (the catalog entry's `docs_url`).

A case marked xfail(strict) names why it is not reproduced: "example:" when the example
contradicts its own page (the catalog follows the page), "catalog:" for a documented field the
chat does not offer yet. A strict xfail fails once the reason is gone.

The offered models whose page has no request example are listed in part 3.
"""

from __future__ import annotations

from typing import Any

import pytest
from docs_examples_kit import case, expected, printed_body, same

EXAMPLES = [
    case(
        "flux-kontext-api/generate-or-edit-image",
        "flux-kontext",
        {
            "prompt": (
                "A serene mountain landscape at sunset with a lake reflecting the orange sky"
            ),
            "enableTranslation": True,
            "aspectRatio": "16:9",
            "outputFormat": "jpeg",
            "promptUpsampling": False,
            "model": "flux-kontext-pro",
            "safetyTolerance": 2,
        },
    ),
    case(
        "veo3-api/generate-veo-3-video",
        "veo3.1",
        {
            "prompt": "A dog playing in a park",
            "imageUrls": [
                "http://example.com/image1.jpg",
                "http://example.com/image2.jpg",
            ],
            "model": "veo3_fast",
            "watermark": "MyBrand",
            "aspect_ratio": "16:9",
            "enableFallback": False,
            "enableTranslation": True,
            "generationType": "REFERENCE_2_VIDEO",
        },
        xfail=(
            "catalog: enableFallback is deprecated on the page and the backup model's price is"
            " not documented (kie.ai/billing; no row in the price feed): left out, not offered;"
            " `kiegram catalog audit` names it with this reason (test_catalog_output_rules.py)"
        ),
    ),
    # A GET endpoint: the page gives its query parameters' examples, not a body.
    case(
        "veo3-api/get-veo-3-1080-p-video",
        "veo3.1-1080p",
        {"taskId": "veo_task_abcdef123456", "index": 0},
    ),
    case(
        "veo3-api/get-veo-3-4k-video",
        "veo3.1-4k",
        {
            "taskId": "veo_task_abcdef123456",
            "index": 0,
        },
    ),
    case(
        "old-model/veo3-api/extend-video",
        "veo3.1-extend",
        {
            "taskId": "veo_task_abcdef123456",
            "prompt": (
                "The dog continues running through the park, jumping over obstacl"
                "es and playing with other dogs"
            ),
            "seeds": 12345,
            "watermark": "MyBrand",
            "model": "fast",
        },
    ),
    case(
        "market/gpt/gpt-image-2-image-to-image",
        "gpt-image-2-image-to-image",
        {
            "prompt": "take a photo with Sam Altman in the conference room",
            "input_urls": [
                ("https://static.aiquickdraw.com/tools/example/1776782793756_wrogXTdd.png"),
            ],
            "aspect_ratio": "auto",
        },
    ),
    case(
        "market/gpt/gpt-image-2-text-to-image",
        "gpt-image-2-text-to-image",
        {
            "prompt": ("A cinematic night city poster with neon reflections on a rainy street."),
            "aspect_ratio": "auto",
        },
    ),
    case(
        "market/gpt-image/1-5-image-to-image",
        "gpt-image/1.5-image-to-image",
        {
            "input_urls": [
                ("https://static.aiquickdraw.com/tools/example/1765962794374_GhtqB9oX.webp"),
            ],
            "prompt": (
                "Edit the image to dress the woman using the provided clothing "
                "images. Preserve her exact likeness, expression, hairstyle,"
                " and proportions. Replace only the clothing, fitting the garment"
                "s naturally to her existing pose and body geometry with realisti"
                "c fabric behavior. Match lighting, shadows, and color temperatur"
                "e to the original photo so the outfit integrates photorealistica"
                "lly, without looking pasted on."
            ),
            "aspect_ratio": "3:2",
            "quality": "medium",
        },
    ),
    case(
        "market/gpt-image/1-5-text-to-image",
        "gpt-image/1.5-text-to-image",
        {
            "prompt": (
                "Create a photorealistic candid photograph of an elderly sailor "
                "standing on a small fishing boat.  He has weathered skin with "
                "visible wrinkles, pores, and sun texture, and a few faded "
                "traditional sailor tattoos on his arms. He is calmly adjusting "
                "a net while his dog sits nearby on the deck. Shot like a 35mm "
                "film photograph, medium close-up at eye level, using a 50mm "
                "lens. The image should feel honest and unposed, with real "
                "skin texture, worn materials, and everyday detail. No glamorizat"
                "ion, no heavy retouching. "
            ),
            "aspect_ratio": "1:1",
            "quality": "medium",
        },
    ),
    case(
        "4o-image-api/generate-4-o-image",
        "gpt4o-image",
        {
            "filesUrl": [
                "https://example.com/image.png",
            ],
            "prompt": "A beautiful sunset over the mountains",
            "size": "1:1",
        },
    ),
    case(
        "market/qwen/image-to-image",
        "qwen/image-to-image",
        {
            "prompt": "",
            "image_url": "",
            "strength": 0.8,
            "output_format": "png",
            "acceleration": "none",
            "negative_prompt": "模糊、丑陋",
            "num_inference_steps": 30,
            "guidance_scale": 2.5,
            "enable_safety_checker": True,
        },
        xfail=("example: it sends an empty prompt, which the page lists as required"),
    ),
    case(
        "market/qwen/text-to-image",
        "qwen/text-to-image",
        {
            "prompt": "",
            "image_size": "square_hd",
            "num_inference_steps": 30,
            "guidance_scale": 2.5,
            "enable_safety_checker": True,
            "output_format": "png",
            "negative_prompt": " ",
            "acceleration": "none",
        },
        xfail=("example: it sends an empty prompt, which the page lists as required"),
    ),
    case(
        "market/qwen2/image-edit",
        "qwen2/image-edit",
        {
            "prompt": "",
            "image_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1755"
                "603225969i6j87xnw.jpg"
            ),
            "image_size": "16:9",
            "output_format": "png",
            "seed": 0,
        },
        xfail=("example: it sends an empty prompt, which the page lists as required"),
    ),
    case(
        "market/qwen2/text-to-image",
        "qwen2/text-to-image",
        {
            "prompt": "",
            "image_size": "16:9",
            "seed": 0,
            "output_format": "png",
        },
        xfail=("example: it sends an empty prompt, which the page lists as required"),
    ),
    case(
        "market/recraft/crisp-upscale",
        "recraft/crisp-upscale",
        {
            "image": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1757"
                "169577325ijj8vwvt.jpg"
            ),
        },
    ),
    case(
        "market/recraft/remove-background",
        "recraft/remove-background",
        {
            "image": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1757"
                "057285447k9qcbki1.webp"
            ),
        },
    ),
    case(
        "runway-api/generate-ai-video",
        "runway",
        {
            "prompt": "一只蓬松的橙色猫在有迪斯科灯光的彩色房间里精力充沛地跳舞",
            "imageUrl": "https://example.com/cat-image.jpg",
            "duration": "5",
            "quality": "720p",
            "aspectRatio": "9:16",
            "waterMark": "kie.ai",
        },
        xfail=(
            'example: duration "5" is a string, while the page\'s schema types duration as a number'
        ),
    ),
    case(
        "runway-api/extend-ai-video",
        "runway-extend",
        {
            "taskId": "ee603959-debb-48d1-98c4-a6d1c717eba6",
            "prompt": "猫继续以更多的能量和兴奋感跳舞，旋转着，彩色光效更加强烈",
            "quality": "720p",
            "waterMark": "kie.ai",
        },
    ),
    case(
        "market/seedream/seedream",
        "bytedance/seedream",
        {
            "prompt": (
                "一幅 2D 扁平化艺术风格的露营地海报，带有文字“Kie AI Seedream "
                "3.0 API”。画面包含山脉、晴朗天空下的棕色帐篷、一只兔子、一头鹿、"
                "几只小鸟、青青草地和一条潺潺溪流，整体采用简洁的矢量插画风格呈现"
            ),
            "image_size": "square_hd",
            "guidance_scale": 2.5,
        },
    ),
    case(
        "market/seedream/seedream-v4-edit",
        "bytedance/seedream-v4-edit",
        {
            "prompt": (
                "参考此标志，为名为‘KIE AI’的户外运动品牌创作一张视觉展示图。"
                "在同一张图中呈现五件品牌周边产品：一个包装袋、一顶帽子、一个纸箱"
                "、一个腕带和一条挂绳。主视觉色调为蓝色，风格活泼简约且兼具现代感"
                "。"
            ),
            "image_urls": [
                (
                    "https://file.aiquickdraw.com/custom-page/akr/section-images/1757"
                    "930552966e7f2on7s.png"
                ),
            ],
            "image_size": "square_hd",
            "image_resolution": "1K",
            "max_images": 1,
            "seed": 77937756,
            "nsfw_checker": False,
        },
    ),
    case(
        "market/seedream/seedream-v4-text-to-image",
        "bytedance/seedream-v4-text-to-image",
        {
            "prompt": ("在黑板上绘制下列二元一次方程组及对应的解题步骤：5x + 2y = 26；2x - y = 5"),
            "image_size": "square_hd",
            "image_resolution": "1K",
            "max_images": 1,
            "seed": -88165251,
            "nsfw_checker": False,
        },
    ),
    case(
        "market/seedream/4-5-edit",
        "seedream/4.5-edit",
        {
            "prompt": (
                "Keep the model's pose and the flowing shape of the liquid "
                "dress unchanged. Change the clothing material from silver "
                "metal to completely transparent clear water (or glass). Through "
                "the liquid water, the model's skin details are visible. Lighting"
                " changes from reflection to refraction."
            ),
            "image_urls": [
                ("https://static.aiquickdraw.com/tools/example/1764851484363_ScV1s2aq.webp"),
            ],
            "aspect_ratio": "1:1",
            "quality": "basic",
            "nsfw_checker": True,
        },
    ),
    case(
        "market/seedream-5-lite-image-to-image",
        "seedream/5-lite-image-to-image",
        {
            "prompt": (
                "Keep the model's pose and the flowing shape of the liquid "
                "dress unchanged. Change the clothing material from silver "
                "metal to completely transparent clear water (or glass). Through "
                "the liquid water, the model's skin details are visible. Lighting"
                " changes from reflection to refraction."
            ),
            "image_urls": [
                ("https://static.aiquickdraw.com/tools/example/1764851484363_ScV1s2aq.webp"),
            ],
            "aspect_ratio": "1:1",
            "quality": "basic",
            "nsfw_checker": False,
        },
    ),
    # From the English page (docs/en/Market/Image Models/Seedream, its OpenAPI `example`), newer
    # than the zh-CN copy.
    case(
        "market/seedream/5-pro-text-to-image",
        "seedream/5-pro-text-to-image",
        {
            "prompt": (
                "A full-process cafe design tool for entrepreneurs and designers. It covers "
                "core needs including store layout, functional zoning, decoration style, "
                "equipment selection, and customer group adaptation, supporting integrated "
                'planning of "commercial attributes + aesthetic design." Suitable as a '
                "promotional image for a cafe design SaaS product, with a 16:9 aspect ratio."
            ),
            "aspect_ratio": "1:1",
            "quality": "basic",
            "output_format": "png",
            "nsfw_checker": False,
        },
    ),
    case(
        "market/seedream/5-lite-text-to-image",
        "seedream/5-lite-text-to-image",
        {
            "prompt": (
                "A full-process cafe design tool for entrepreneurs and designers."
                " It covers core needs including store layout, functional zoning,"
                " decoration style, equipment selection, and customer group "
                'adaptation, supporting integrated planning of "commercial '
                'attributes + aesthetic design." Suitable as a promotional '
                "image for a cafe design SaaS product, with a 16:9 aspect ratio."
            ),
            "aspect_ratio": "1:1",
            "quality": "basic",
            "nsfw_checker": False,
        },
    ),
    case(
        "suno-api/generate-music",
        "suno",
        {
            "prompt": "A calm and relaxing piano track with soft melodies",
            "customMode": True,
            "instrumental": True,
            "model": "V4",
            "style": "Classical",
            "title": "Peaceful Piano Meditation",
            "negativeTags": "Heavy Metal, Upbeat Drums",
            "vocalGender": "m",
            "styleWeight": 0.65,
            "weirdnessConstraint": 0.65,
            "audioWeight": 0.65,
            "personaId": "persona_123",
            "personaModel": "style_persona",
        },
        xfail=(
            "example: personaModel is for V5 and V5.5 only, says the page, and the example "
            "sends it with V4 (and vocalGender on an instrumental, where the catalog asks "
            "it only for a track with vocals)"
        ),
    ),
    case(
        "suno-api/add-instrumental",
        "suno-add-instrumental",
        {
            "uploadUrl": "https://example.com/music.mp3",
            "title": "Relaxing Piano",
            "negativeTags": "heavy metal, fast drums",
            "tags": "relaxing, piano, soothing",
            "model": "V4_5PLUS",
            "vocalGender": "m",
            "styleWeight": 0.61,
            "weirdnessConstraint": 0.72,
            "audioWeight": 0.65,
        },
    ),
    case(
        "suno-api/add-vocals",
        "suno-add-vocals",
        {
            "prompt": "A calm and relaxing piano track.",
            "title": "Relaxing Piano",
            "negativeTags": "heavy metal, strong drum beats",
            "style": "Jazz",
            "uploadUrl": "https://example.com/music.mp3",
            "model": "V4_5PLUS",
            "vocalGender": "m",
            "styleWeight": 0.61,
            "weirdnessConstraint": 0.72,
            "audioWeight": 0.65,
        },
    ),
    case(
        "suno-api/upload-and-cover-audio",
        "suno-cover",
        {
            "uploadUrl": "https://storage.example.com/upload",
            "prompt": "A calm and relaxing piano track with soft melodies",
            "customMode": True,
            "instrumental": True,
            "model": "V4",
            "style": "Classical",
            "title": "Peaceful Piano Meditation",
            "negativeTags": "Heavy Metal, Upbeat Drums",
            "vocalGender": "m",
            "styleWeight": 0.65,
            "weirdnessConstraint": 0.65,
            "audioWeight": 0.65,
            "personaId": "persona_123",
            "personaModel": "style_persona",
        },
        xfail=(
            "example: personaModel is for V5 and V5.5 only, says the page, and the example "
            "sends it with V4 (and vocalGender on an instrumental); with V5 and vocals it "
            "is reproduced in test_suno_followup_options.py"
        ),
    ),
    case(
        "suno-api/extend-music",
        "suno-extend",
        {
            "defaultParamFlag": True,
            "audioId": "e231****-****-****-****-****8cadc7dc",
            "prompt": ("Extend the music with more relaxing notes and a gentle bridge section"),
            "model": "V4",
            "style": "Classical",
            "title": "Peaceful Piano Extended",
            "continueAt": 60,
            "negativeTags": "Heavy Metal, Upbeat Drums",
            "vocalGender": "m",
            "styleWeight": 0.65,
            "weirdnessConstraint": 0.65,
            "audioWeight": 0.65,
            "personaId": "persona_123",
            "personaModel": "style_persona",
        },
        xfail=(
            "example: personaModel is for V5 and V5.5 only, says the page, and the example "
            "sends it with V4; with V5 it is reproduced in test_suno_followup_options.py"
        ),
    ),
    case(
        "suno-api/separate-vocals",
        "suno-separate-vocals",
        {
            "taskId": "5c79****be8e",
            "audioId": "e231****-****-****-****-****8cadc7dc",
            "type": "separate_vocal",
        },
    ),
    case(
        "suno-api/convert-to-wav",
        "suno-wav",
        {
            "taskId": "5c79****be8e",
            "audioId": "e231****-****-****-****-****8cadc7dc",
        },
    ),
    case(
        "market/topaz/image-upscale",
        "topaz/image-upscale",
        {
            "image_url": (
                "https://static.aiquickdraw.com/tools/example/1762752805607_mErUj1KR.png"
            ),
            "upscale_factor": "2",
        },
    ),
    case(
        "market/topaz/video-upscale",
        "topaz/video-upscale",
        {
            "video_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1758"
                "166466095hvbwkrpw.mp4"
            ),
            "upscale_factor": "2",
        },
    ),
    case(
        "market/wan/2-2-a14b-image-to-video-turbo",
        "wan/2-2-a14b-image-to-video-turbo",
        {
            "image_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1755"
                "166042585gtf2mlrk.png"
            ),
            "prompt": (
                "阴天光线，标准镜头，柔光效果，低对比度光线，轮廓光，低角度拍摄，"
                "低饱和度色彩，中近景镜头，简洁单镜头，冷色调，居中构图。镜头以低"
                "角度特写捕捉一位户外的西方男性，他身着黑色外套，内搭灰色毛衣、"
                "白色衬衫与黑色领带，着装精致。他目光紧盯镜头，缓步向前。背景中矗"
                "立着一栋棕色建筑，深色门口上方的窗户透出暖黄色的灯光。随着镜头向"
                "前推进，画面右侧一个模糊的黑色物体来回晃动，在深色的夜间背景下部"
                "分遮挡了视线。"
            ),
            "resolution": "720p",
            "enable_prompt_expansion": False,
            "seed": 0,
            "acceleration": "none",
        },
    ),
    case(
        "market/wan/2-2-a14b-speech-to-video-turbo",
        "wan/2-2-a14b-speech-to-video-turbo",
        {
            "prompt": "这位女士正在说话",
            "image_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1756"
                "797663082u4pjmcrq.png"
            ),
            "audio_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1756"
                "7977044127d1emlmc.mp3"
            ),
            "num_frames": 80,
            "frames_per_second": 16,
            "resolution": "480p",
            "negative_prompt": "",
            "num_inference_steps": 27,
            "guidance_scale": 3.5,
            "shift": 5,
        },
    ),
    case(
        "market/wan/2-2-a14b-text-to-video-turbo",
        "wan/2-2-a14b-text-to-video-turbo",
        {
            "prompt": (
                "无人机航拍镜头，快速推进，起始于布满裂纹、结满白霜的圆形管道内部"
                "。镜头猛然向上冲破管道，展现出沐浴在金色日出光芒下的广袤极地景观"
                "。身着橙色工作服的工作人员操作着冒着蒸汽的机械设备。镜头向上仰拍"
                "，以缓缓升起的热气球视角呈现整个场景。镜头持续上升至泛着微光的天"
                "空，热气球尾部飘散着蒸汽，印有“KIE AI”字样，在令人震撼的极地壮丽"
                "风光中不断攀升。"
            ),
            "resolution": "720p",
            "aspect_ratio": "16:9",
            "enable_prompt_expansion": False,
            "seed": 0,
            "acceleration": "none",
        },
    ),
    case(
        "market/wan/2-2-animate-move",
        "wan/2-2-animate-move",
        {
            "video_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1758"
                "6254974931y2hottk.mp4"
            ),
            "image_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1758"
                "625466310wpehpbnf.png"
            ),
            "resolution": "480p",
        },
    ),
    case(
        "market/wan/2-2-animate-replace",
        "wan/2-2-animate-replace",
        {
            "video_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1758"
                "6199429271xscyd5d.mp4"
            ),
            "image_url": (
                "https://file.aiquickdraw.com/custom-page/akr/section-images/1758"
                "6199255323tks43kq.png"
            ),
            "resolution": "480p",
        },
    ),
    case(
        "market/wan/2-5-text-to-video",
        "wan/2-5-text-to-video",
        {
            "prompt": (
                "夜晚昏暗的爵士酒吧里，木质桌面在暖色吊灯下微微发亮。顾客们一边小"
                "酌一边轻声交谈，三人乐队正在舞台上演奏。萨克斯手站在聚光灯下，"
                "闪亮的乐器反射着灯光。没有对白。环境音包括流畅的现场爵士乐、"
                "萨克斯与钢琴声、玻璃轻碰声、远处压低音量的交谈声，以及邻桌偶尔传"
                "来的轻笑。镜头缓慢扫过人群，然后轻柔推近萨克斯手的独奏，突出富有"
                "表现力的手部动作。"
            ),
            "duration": "5",
            "aspect_ratio": "16:9",
            "resolution": "1080p",
            "negative_prompt": "模糊、闪烁、低质量、畸形人物、镜头抖动",
            "enable_prompt_expansion": True,
            "seed": 123456,
        },
    ),
    case(
        "market/wan/2-6-flash-image-to-video",
        "wan/2-6-flash-image-to-video",
        {
            "prompt": (
                "Anthopmopric fox singing a Christmas song at the rubbish dump in the rain."
            ),
            "image_urls": [],
            "duration": "5",
            "resolution": "1080p",
            "audio": False,
            "multi_shots": False,
        },
        xfail=("example: it sends an empty image_urls, which the page lists as required"),
    ),
    case(
        "market/wan/2-6-flash-video-to-video",
        "wan/2-6-flash-video-to-video",
        {
            "prompt": (
                "The video drinks milk tea while doing some improvised dance moves to the music."
            ),
            "video_urls": [],
            "duration": "5",
            "resolution": "1080p",
            "multi_shots": False,
        },
        xfail=("example: it sends an empty video_urls, which the page lists as required"),
    ),
    case(
        "market/wan/2-6-image-to-video",
        "wan/2-6-image-to-video",
        {
            "prompt": (
                "Anthopmopric fox singing a Christmas song at the rubbish dump in the rain."
            ),
            "image_urls": [
                ("https://static.aiquickdraw.com/tools/example/1765957673717_awiBAidD.webp"),
            ],
            "duration": "5",
            "resolution": "1080p",
        },
    ),
    case(
        "market/wan/2-6-text-to-video",
        "wan/2-6-text-to-video",
        {
            "prompt": (
                "In a hyperrealistic ASMR video, a hand uses a knitted knife "
                "to slowly slice a burger made entirely of knitted wool. The "
                "satisfyingly crisp cut reveals a detailed cross-section of "
                "knitted meat, lettuce, and tomato slices. Captured in a close-up"
                " with a shallow depth of field, the scene is set against a "
                "stark, matte black surface. Cinematic lighting makes the surreal"
                " yarn textures shine with clear reflections. The focus is "
                "on the deliberate, satisfying motion and the unique, tactile "
                "materials."
            ),
            "duration": "5",
            "resolution": "1080p",
        },
    ),
    case(
        "market/wan/2-6-video-to-video",
        "wan/2-6-video-to-video",
        {
            "prompt": (
                "The video drinks milk tea while doing some improvised dance moves to the music."
            ),
            "video_urls": [
                ("https://static.aiquickdraw.com/tools/example/1765957777782_cNJpvhRx.mp4"),
            ],
            "duration": "5",
            "resolution": "1080p",
        },
    ),
    case(
        "market/wan/2-7-r2v",
        "wan/2-7-r2v",
        {
            "prompt": "图1在吃饭，视频1和图2在旁边唱歌。",
            "negative_prompt": ("低分辨率、错误、最差质量、低质量、残缺、多余的手指、比例不良等。"),
            "reference_image": [
                "https://example.com/demo/ref-image-1.png",
                "https://example.com/demo/ref-image-2.png",
            ],
            "reference_video": [
                "https://example.com/demo/ref-video-1.mp4",
            ],
            "first_frame": "https://example.com/demo/first-frame.png",
            "reference_voice": "https://example.com/demo/reference-voice.mp3",
            "resolution": "1080p",
            "aspect_ratio": "16:9",
            "duration": 5,
            "prompt_extend": True,
            "watermark": False,
            "seed": 0,
        },
    ),
    case(
        "market/wan/2-7-videoedit",
        "wan/2-7-videoedit",
        {
            "prompt": "为人物换上酷帅的衣服，再戴参考图里的帽子。",
            "negative_prompt": ("低分辨率、错误、最差质量、低质量、残缺、多余的手指、比例不良等。"),
            "video_url": "https://example.com/demo/video.mp4",
            "reference_image": "https://example.com/demo/reference.png",
            "resolution": "1080p",
            "aspect_ratio": "16:9",
            "duration": 0,
            "audio_setting": "auto",
            "prompt_extend": True,
            "watermark": False,
            "seed": 0,
        },
    ),
    case(
        "market/z-image/z-image",
        "z-image",
        {
            "prompt": (
                "Generate a photorealistic image of a cafe terrace in the Marais "
                "district of Paris on a Wednesday morning in March 2025. It "
                "is a crisp, cool spring morning with clear skies. Locals are "
                "drinking coffee. In sharp focus should be a young woman with "
                "a pixie cut wearing a scarf, stirring a cappuccino and looking "
                "thoughtfully to the side; the waiter and street traffic behind "
                "her are blurred. The photo should have the candid, natural "
                "morning light feel of an iPhone image."
            ),
            "aspect_ratio": "1:1",
            "nsfw_checker": True,
        },
    ),
]


@pytest.mark.parametrize(("model", "body"), EXAMPLES)
def test_the_docs_example_is_the_printed_body(
    model: str, body: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    printed = printed_body(model, body, capsys)
    assert same(printed, expected(model, body)), printed
